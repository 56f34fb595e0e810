"""reference data: smart-city themes, knelpunt/versneller categories, G40 cities

The themes and categories are the report's own vocabulary; the cities are the G40
members the report names, with their CBS municipality codes. Users add more cities
through the API.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-27 21:50:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

THEMES = [
    (
        "smart_governance",
        "Smart Governance",
        "The city's own operation: data-driven policy, services and decisions.",
    ),
    (
        "smart_economy",
        "Smart Economy",
        "Local business, innovation, jobs and the digital skills of the region.",
    ),
    (
        "smart_mobility",
        "Smart Mobility",
        "Traffic, parking, public transport, logistics and mobility services.",
    ),
    (
        "smart_environment",
        "Smart Environment",
        "Energy transition, climate adaptation, air, water, noise and waste.",
    ),
    (
        "smart_living",
        "Smart Living",
        "Health, care, safety and the quality of life in neighbourhoods.",
    ),
    (
        "smart_citizen",
        "Smart Citizen",
        "Participation, digital inclusion and citizens as co-creators.",
    ),
]

CATEGORIES = [
    (
        "financing",
        "Financing",
        "Financiering",
        "Providing the capital for an activity and the returns it yields.",
    ),
    (
        "political_leadership",
        "Political & administrative leadership",
        "Politiek en ambtelijk leiderschap",
        "People in the municipal organisation who exert influence to reach a goal.",
    ),
    (
        "ethics_regulation",
        "Ethics & regulation",
        "Ethiek en regelgeving",
        "How others expect one to act socially, and what the law lays down.",
    ),
    (
        "data_cyber_security",
        "Data & cyber security",
        "Data en cyber security",
        "Technologies, processes and practices that protect networks, devices, programs and data.",
    ),
    (
        "digital_technology",
        "Digital technology",
        "Digitale technologie",
        "Electronic tools, systems and devices that generate, store or process data.",
    ),
    (
        "ecosystem",
        "Ecosystem",
        "Ecosysteem",
        "How the municipality is woven into its quadruple helix of government, citizens, business and knowledge institutions.",
    ),
]

# (name, province, CBS municipality code)
G40_CITIES = [
    ("Alkmaar", "Noord-Holland", "GM0361"),
    ("Almelo", "Overijssel", "GM0141"),
    ("Almere", "Flevoland", "GM0034"),
    ("Alphen aan den Rijn", "Zuid-Holland", "GM0484"),
    ("Amersfoort", "Utrecht", "GM0307"),
    ("Apeldoorn", "Gelderland", "GM0200"),
    ("Arnhem", "Gelderland", "GM0202"),
    ("Assen", "Drenthe", "GM0106"),
    ("Breda", "Noord-Brabant", "GM0758"),
    ("Delft", "Zuid-Holland", "GM0503"),
    ("Deventer", "Overijssel", "GM0150"),
    ("Dordrecht", "Zuid-Holland", "GM0505"),
    ("Ede", "Gelderland", "GM0228"),
    ("Eindhoven", "Noord-Brabant", "GM0772"),
    ("Emmen", "Drenthe", "GM0114"),
    ("Enschede", "Overijssel", "GM0153"),
    ("Gouda", "Zuid-Holland", "GM0513"),
    ("Groningen", "Groningen", "GM0014"),
    ("Haarlem", "Noord-Holland", "GM0392"),
    ("Heerlen", "Limburg", "GM0917"),
    ("Helmond", "Noord-Brabant", "GM0794"),
    ("'s-Hertogenbosch", "Noord-Brabant", "GM0796"),
    ("Hilversum", "Noord-Holland", "GM0402"),
    ("Hoorn", "Noord-Holland", "GM0405"),
    ("Leeuwarden", "Fryslân", "GM0080"),
    ("Leiden", "Zuid-Holland", "GM0546"),
    ("Maastricht", "Limburg", "GM0935"),
    ("Nijmegen", "Gelderland", "GM0268"),
    ("Roosendaal", "Noord-Brabant", "GM1674"),
    ("Schiedam", "Zuid-Holland", "GM0606"),
    ("Tilburg", "Noord-Brabant", "GM0855"),
    ("Venlo", "Limburg", "GM0983"),
    ("Zoetermeer", "Zuid-Holland", "GM0637"),
    ("Zwolle", "Overijssel", "GM0193"),
]

theme = sa.table("theme", sa.column("code"), sa.column("name"), sa.column("description"))
category = sa.table(
    "factor_category",
    sa.column("code"),
    sa.column("name"),
    sa.column("name_nl"),
    sa.column("description"),
)
city = sa.table(
    "city",
    sa.column("name"),
    sa.column("province"),
    sa.column("country"),
    sa.column("cbs_code"),
    sa.column("g40", sa.Boolean),
)


def upgrade() -> None:
    op.bulk_insert(
        theme, [dict(zip(("code", "name", "description"), t, strict=True)) for t in THEMES]
    )
    op.bulk_insert(
        category,
        [dict(zip(("code", "name", "name_nl", "description"), c, strict=True)) for c in CATEGORIES],
    )
    op.bulk_insert(
        city,
        [
            {"name": name, "province": province, "country": "NL", "cbs_code": code, "g40": True}
            for name, province, code in G40_CITIES
        ],
    )


def downgrade() -> None:
    op.execute(city.delete().where(city.c.cbs_code.in_([code for _, _, code in G40_CITIES])))
    op.execute(category.delete().where(category.c.code.in_([c[0] for c in CATEGORIES])))
    op.execute(theme.delete().where(theme.c.code.in_([t[0] for t in THEMES])))
