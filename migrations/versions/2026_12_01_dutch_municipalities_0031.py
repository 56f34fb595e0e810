"""Dutch municipalities: all 342 with their CBS codes and provinces

The reference list of every Dutch municipality (gemeente), so that an inventory naming
any of them is read without an administrator adding it first.

Source: CBS, "Gemeentelijke indeling op 1 januari 2025" (the gebiedsindelingen of
Statistics Netherlands, also published through PDOK as the 2025 municipal boundaries):
342 municipalities, codes GMxxxx, names as CBS writes them ("'s-Gravenhage",
"Bergen (L.)" and "Bergen (NH.)"), provinces as CBS names them ("Fryslân"). The last
changes were those of 1 January 2023 (Voorne aan Zee, GM1992, from Brielle,
Hellevoetsluis and Westvoorne); no municipality was merged or renamed on 1 January 2025
or 1 January 2026, so the 2025 list is the indeling of 2026 as well. Read 2026-12-01
from stored copies of the CBS/PDOK list (codes and names) and of the CBS province
assignment; the count per province (Noord-Brabant 56, Gelderland 51, Zuid-Holland 50,
Noord-Holland 44, Limburg 31, Utrecht 26, Overijssel 25, Fryslân 18, Zeeland 13,
Drenthe 12, Groningen 10, Flevoland 6) matches the CBS figures. A new indeling is a new
migration.

Cities already present keep their ids: a city with the same CBS code, or the same
name in the Netherlands, gets the code and province; the others are added. The
downgrade removes the added ones that nothing refers to.

Revision ID: 0031
Revises: 0030
Create Date: 2026-12-01 21:05:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0031"
down_revision: str | None = "0030"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# (name, province, CBS municipality code), by code.
MUNICIPALITIES = [
    ("Groningen", "Groningen", "GM0014"),
    ("Almere", "Flevoland", "GM0034"),
    ("Stadskanaal", "Groningen", "GM0037"),
    ("Veendam", "Groningen", "GM0047"),
    ("Zeewolde", "Flevoland", "GM0050"),
    ("Achtkarspelen", "Fryslân", "GM0059"),
    ("Ameland", "Fryslân", "GM0060"),
    ("Harlingen", "Fryslân", "GM0072"),
    ("Heerenveen", "Fryslân", "GM0074"),
    ("Leeuwarden", "Fryslân", "GM0080"),
    ("Ooststellingwerf", "Fryslân", "GM0085"),
    ("Opsterland", "Fryslân", "GM0086"),
    ("Schiermonnikoog", "Fryslân", "GM0088"),
    ("Smallingerland", "Fryslân", "GM0090"),
    ("Terschelling", "Fryslân", "GM0093"),
    ("Vlieland", "Fryslân", "GM0096"),
    ("Weststellingwerf", "Fryslân", "GM0098"),
    ("Assen", "Drenthe", "GM0106"),
    ("Coevorden", "Drenthe", "GM0109"),
    ("Emmen", "Drenthe", "GM0114"),
    ("Hoogeveen", "Drenthe", "GM0118"),
    ("Meppel", "Drenthe", "GM0119"),
    ("Almelo", "Overijssel", "GM0141"),
    ("Borne", "Overijssel", "GM0147"),
    ("Dalfsen", "Overijssel", "GM0148"),
    ("Deventer", "Overijssel", "GM0150"),
    ("Enschede", "Overijssel", "GM0153"),
    ("Haaksbergen", "Overijssel", "GM0158"),
    ("Hardenberg", "Overijssel", "GM0160"),
    ("Hellendoorn", "Overijssel", "GM0163"),
    ("Hengelo", "Overijssel", "GM0164"),
    ("Kampen", "Overijssel", "GM0166"),
    ("Losser", "Overijssel", "GM0168"),
    ("Noordoostpolder", "Flevoland", "GM0171"),
    ("Oldenzaal", "Overijssel", "GM0173"),
    ("Ommen", "Overijssel", "GM0175"),
    ("Raalte", "Overijssel", "GM0177"),
    ("Staphorst", "Overijssel", "GM0180"),
    ("Tubbergen", "Overijssel", "GM0183"),
    ("Urk", "Flevoland", "GM0184"),
    ("Wierden", "Overijssel", "GM0189"),
    ("Zwolle", "Overijssel", "GM0193"),
    ("Aalten", "Gelderland", "GM0197"),
    ("Apeldoorn", "Gelderland", "GM0200"),
    ("Arnhem", "Gelderland", "GM0202"),
    ("Barneveld", "Gelderland", "GM0203"),
    ("Beuningen", "Gelderland", "GM0209"),
    ("Brummen", "Gelderland", "GM0213"),
    ("Buren", "Gelderland", "GM0214"),
    ("Culemborg", "Gelderland", "GM0216"),
    ("Doesburg", "Gelderland", "GM0221"),
    ("Doetinchem", "Gelderland", "GM0222"),
    ("Druten", "Gelderland", "GM0225"),
    ("Duiven", "Gelderland", "GM0226"),
    ("Ede", "Gelderland", "GM0228"),
    ("Elburg", "Gelderland", "GM0230"),
    ("Epe", "Gelderland", "GM0232"),
    ("Ermelo", "Gelderland", "GM0233"),
    ("Harderwijk", "Gelderland", "GM0243"),
    ("Hattem", "Gelderland", "GM0244"),
    ("Heerde", "Gelderland", "GM0246"),
    ("Heumen", "Gelderland", "GM0252"),
    ("Lochem", "Gelderland", "GM0262"),
    ("Maasdriel", "Gelderland", "GM0263"),
    ("Nijkerk", "Gelderland", "GM0267"),
    ("Nijmegen", "Gelderland", "GM0268"),
    ("Oldebroek", "Gelderland", "GM0269"),
    ("Putten", "Gelderland", "GM0273"),
    ("Renkum", "Gelderland", "GM0274"),
    ("Rheden", "Gelderland", "GM0275"),
    ("Rozendaal", "Gelderland", "GM0277"),
    ("Scherpenzeel", "Gelderland", "GM0279"),
    ("Tiel", "Gelderland", "GM0281"),
    ("Voorst", "Gelderland", "GM0285"),
    ("Wageningen", "Gelderland", "GM0289"),
    ("Westervoort", "Gelderland", "GM0293"),
    ("Winterswijk", "Gelderland", "GM0294"),
    ("Wijchen", "Gelderland", "GM0296"),
    ("Zaltbommel", "Gelderland", "GM0297"),
    ("Zevenaar", "Gelderland", "GM0299"),
    ("Zutphen", "Gelderland", "GM0301"),
    ("Nunspeet", "Gelderland", "GM0302"),
    ("Dronten", "Flevoland", "GM0303"),
    ("Amersfoort", "Utrecht", "GM0307"),
    ("Baarn", "Utrecht", "GM0308"),
    ("De Bilt", "Utrecht", "GM0310"),
    ("Bunnik", "Utrecht", "GM0312"),
    ("Bunschoten", "Utrecht", "GM0313"),
    ("Eemnes", "Utrecht", "GM0317"),
    ("Houten", "Utrecht", "GM0321"),
    ("Leusden", "Utrecht", "GM0327"),
    ("Lopik", "Utrecht", "GM0331"),
    ("Montfoort", "Utrecht", "GM0335"),
    ("Renswoude", "Utrecht", "GM0339"),
    ("Rhenen", "Utrecht", "GM0340"),
    ("Soest", "Utrecht", "GM0342"),
    ("Utrecht", "Utrecht", "GM0344"),
    ("Veenendaal", "Utrecht", "GM0345"),
    ("Woudenberg", "Utrecht", "GM0351"),
    ("Wijk bij Duurstede", "Utrecht", "GM0352"),
    ("IJsselstein", "Utrecht", "GM0353"),
    ("Zeist", "Utrecht", "GM0355"),
    ("Nieuwegein", "Utrecht", "GM0356"),
    ("Aalsmeer", "Noord-Holland", "GM0358"),
    ("Alkmaar", "Noord-Holland", "GM0361"),
    ("Amstelveen", "Noord-Holland", "GM0362"),
    ("Amsterdam", "Noord-Holland", "GM0363"),
    ("Bergen (NH.)", "Noord-Holland", "GM0373"),
    ("Beverwijk", "Noord-Holland", "GM0375"),
    ("Blaricum", "Noord-Holland", "GM0376"),
    ("Bloemendaal", "Noord-Holland", "GM0377"),
    ("Castricum", "Noord-Holland", "GM0383"),
    ("Diemen", "Noord-Holland", "GM0384"),
    ("Edam-Volendam", "Noord-Holland", "GM0385"),
    ("Enkhuizen", "Noord-Holland", "GM0388"),
    ("Haarlem", "Noord-Holland", "GM0392"),
    ("Haarlemmermeer", "Noord-Holland", "GM0394"),
    ("Heemskerk", "Noord-Holland", "GM0396"),
    ("Heemstede", "Noord-Holland", "GM0397"),
    ("Heiloo", "Noord-Holland", "GM0399"),
    ("Den Helder", "Noord-Holland", "GM0400"),
    ("Hilversum", "Noord-Holland", "GM0402"),
    ("Hoorn", "Noord-Holland", "GM0405"),
    ("Huizen", "Noord-Holland", "GM0406"),
    ("Landsmeer", "Noord-Holland", "GM0415"),
    ("Laren", "Noord-Holland", "GM0417"),
    ("Medemblik", "Noord-Holland", "GM0420"),
    ("Oostzaan", "Noord-Holland", "GM0431"),
    ("Opmeer", "Noord-Holland", "GM0432"),
    ("Ouder-Amstel", "Noord-Holland", "GM0437"),
    ("Purmerend", "Noord-Holland", "GM0439"),
    ("Schagen", "Noord-Holland", "GM0441"),
    ("Texel", "Noord-Holland", "GM0448"),
    ("Uitgeest", "Noord-Holland", "GM0450"),
    ("Uithoorn", "Noord-Holland", "GM0451"),
    ("Velsen", "Noord-Holland", "GM0453"),
    ("Zandvoort", "Noord-Holland", "GM0473"),
    ("Zaanstad", "Noord-Holland", "GM0479"),
    ("Alblasserdam", "Zuid-Holland", "GM0482"),
    ("Alphen aan den Rijn", "Zuid-Holland", "GM0484"),
    ("Barendrecht", "Zuid-Holland", "GM0489"),
    ("Drechterland", "Noord-Holland", "GM0498"),
    ("Capelle aan den IJssel", "Zuid-Holland", "GM0502"),
    ("Delft", "Zuid-Holland", "GM0503"),
    ("Dordrecht", "Zuid-Holland", "GM0505"),
    ("Gorinchem", "Zuid-Holland", "GM0512"),
    ("Gouda", "Zuid-Holland", "GM0513"),
    ("'s-Gravenhage", "Zuid-Holland", "GM0518"),
    ("Hardinxveld-Giessendam", "Zuid-Holland", "GM0523"),
    ("Hendrik-Ido-Ambacht", "Zuid-Holland", "GM0531"),
    ("Stede Broec", "Noord-Holland", "GM0532"),
    ("Hillegom", "Zuid-Holland", "GM0534"),
    ("Katwijk", "Zuid-Holland", "GM0537"),
    ("Krimpen aan den IJssel", "Zuid-Holland", "GM0542"),
    ("Leiden", "Zuid-Holland", "GM0546"),
    ("Leiderdorp", "Zuid-Holland", "GM0547"),
    ("Lisse", "Zuid-Holland", "GM0553"),
    ("Maassluis", "Zuid-Holland", "GM0556"),
    ("Nieuwkoop", "Zuid-Holland", "GM0569"),
    ("Noordwijk", "Zuid-Holland", "GM0575"),
    ("Oegstgeest", "Zuid-Holland", "GM0579"),
    ("Oudewater", "Utrecht", "GM0589"),
    ("Papendrecht", "Zuid-Holland", "GM0590"),
    ("Ridderkerk", "Zuid-Holland", "GM0597"),
    ("Rotterdam", "Zuid-Holland", "GM0599"),
    ("Rijswijk", "Zuid-Holland", "GM0603"),
    ("Schiedam", "Zuid-Holland", "GM0606"),
    ("Sliedrecht", "Zuid-Holland", "GM0610"),
    ("Albrandswaard", "Zuid-Holland", "GM0613"),
    ("Vlaardingen", "Zuid-Holland", "GM0622"),
    ("Voorschoten", "Zuid-Holland", "GM0626"),
    ("Waddinxveen", "Zuid-Holland", "GM0627"),
    ("Wassenaar", "Zuid-Holland", "GM0629"),
    ("Woerden", "Utrecht", "GM0632"),
    ("Zoetermeer", "Zuid-Holland", "GM0637"),
    ("Zoeterwoude", "Zuid-Holland", "GM0638"),
    ("Zwijndrecht", "Zuid-Holland", "GM0642"),
    ("Borsele", "Zeeland", "GM0654"),
    ("Goes", "Zeeland", "GM0664"),
    ("West Maas en Waal", "Gelderland", "GM0668"),
    ("Hulst", "Zeeland", "GM0677"),
    ("Kapelle", "Zeeland", "GM0678"),
    ("Middelburg", "Zeeland", "GM0687"),
    ("Reimerswaal", "Zeeland", "GM0703"),
    ("Terneuzen", "Zeeland", "GM0715"),
    ("Tholen", "Zeeland", "GM0716"),
    ("Veere", "Zeeland", "GM0717"),
    ("Vlissingen", "Zeeland", "GM0718"),
    ("De Ronde Venen", "Utrecht", "GM0736"),
    ("Tytsjerksteradiel", "Fryslân", "GM0737"),
    ("Asten", "Noord-Brabant", "GM0743"),
    ("Baarle-Nassau", "Noord-Brabant", "GM0744"),
    ("Bergen op Zoom", "Noord-Brabant", "GM0748"),
    ("Best", "Noord-Brabant", "GM0753"),
    ("Boekel", "Noord-Brabant", "GM0755"),
    ("Boxtel", "Noord-Brabant", "GM0757"),
    ("Breda", "Noord-Brabant", "GM0758"),
    ("Deurne", "Noord-Brabant", "GM0762"),
    ("Pekela", "Groningen", "GM0765"),
    ("Dongen", "Noord-Brabant", "GM0766"),
    ("Eersel", "Noord-Brabant", "GM0770"),
    ("Eindhoven", "Noord-Brabant", "GM0772"),
    ("Etten-Leur", "Noord-Brabant", "GM0777"),
    ("Geertruidenberg", "Noord-Brabant", "GM0779"),
    ("Gilze en Rijen", "Noord-Brabant", "GM0784"),
    ("Goirle", "Noord-Brabant", "GM0785"),
    ("Helmond", "Noord-Brabant", "GM0794"),
    ("'s-Hertogenbosch", "Noord-Brabant", "GM0796"),
    ("Heusden", "Noord-Brabant", "GM0797"),
    ("Hilvarenbeek", "Noord-Brabant", "GM0798"),
    ("Loon op Zand", "Noord-Brabant", "GM0809"),
    ("Nuenen, Gerwen en Nederwetten", "Noord-Brabant", "GM0820"),
    ("Oirschot", "Noord-Brabant", "GM0823"),
    ("Oisterwijk", "Noord-Brabant", "GM0824"),
    ("Oosterhout", "Noord-Brabant", "GM0826"),
    ("Oss", "Noord-Brabant", "GM0828"),
    ("Rucphen", "Noord-Brabant", "GM0840"),
    ("Sint-Michielsgestel", "Noord-Brabant", "GM0845"),
    ("Someren", "Noord-Brabant", "GM0847"),
    ("Son en Breugel", "Noord-Brabant", "GM0848"),
    ("Steenbergen", "Noord-Brabant", "GM0851"),
    ("Waterland", "Noord-Holland", "GM0852"),
    ("Tilburg", "Noord-Brabant", "GM0855"),
    ("Valkenswaard", "Noord-Brabant", "GM0858"),
    ("Veldhoven", "Noord-Brabant", "GM0861"),
    ("Vught", "Noord-Brabant", "GM0865"),
    ("Waalre", "Noord-Brabant", "GM0866"),
    ("Waalwijk", "Noord-Brabant", "GM0867"),
    ("Woensdrecht", "Noord-Brabant", "GM0873"),
    ("Zundert", "Noord-Brabant", "GM0879"),
    ("Wormerland", "Noord-Holland", "GM0880"),
    ("Landgraaf", "Limburg", "GM0882"),
    ("Beek", "Limburg", "GM0888"),
    ("Beesel", "Limburg", "GM0889"),
    ("Bergen (L.)", "Limburg", "GM0893"),
    ("Brunssum", "Limburg", "GM0899"),
    ("Gennep", "Limburg", "GM0907"),
    ("Heerlen", "Limburg", "GM0917"),
    ("Kerkrade", "Limburg", "GM0928"),
    ("Maastricht", "Limburg", "GM0935"),
    ("Meerssen", "Limburg", "GM0938"),
    ("Mook en Middelaar", "Limburg", "GM0944"),
    ("Nederweert", "Limburg", "GM0946"),
    ("Roermond", "Limburg", "GM0957"),
    ("Simpelveld", "Limburg", "GM0965"),
    ("Stein", "Limburg", "GM0971"),
    ("Vaals", "Limburg", "GM0981"),
    ("Venlo", "Limburg", "GM0983"),
    ("Venray", "Limburg", "GM0984"),
    ("Voerendaal", "Limburg", "GM0986"),
    ("Weert", "Limburg", "GM0988"),
    ("Valkenburg aan de Geul", "Limburg", "GM0994"),
    ("Lelystad", "Flevoland", "GM0995"),
    ("Horst aan de Maas", "Limburg", "GM1507"),
    ("Oude IJsselstreek", "Gelderland", "GM1509"),
    ("Teylingen", "Zuid-Holland", "GM1525"),
    ("Utrechtse Heuvelrug", "Utrecht", "GM1581"),
    ("Oost Gelre", "Gelderland", "GM1586"),
    ("Koggenland", "Noord-Holland", "GM1598"),
    ("Lansingerland", "Zuid-Holland", "GM1621"),
    ("Leudal", "Limburg", "GM1640"),
    ("Maasgouw", "Limburg", "GM1641"),
    ("Gemert-Bakel", "Noord-Brabant", "GM1652"),
    ("Halderberge", "Noord-Brabant", "GM1655"),
    ("Heeze-Leende", "Noord-Brabant", "GM1658"),
    ("Laarbeek", "Noord-Brabant", "GM1659"),
    ("Reusel-De Mierden", "Noord-Brabant", "GM1667"),
    ("Roerdalen", "Limburg", "GM1669"),
    ("Roosendaal", "Noord-Brabant", "GM1674"),
    ("Schouwen-Duiveland", "Zeeland", "GM1676"),
    ("Aa en Hunze", "Drenthe", "GM1680"),
    ("Borger-Odoorn", "Drenthe", "GM1681"),
    ("De Wolden", "Drenthe", "GM1690"),
    ("Noord-Beveland", "Zeeland", "GM1695"),
    ("Wijdemeren", "Noord-Holland", "GM1696"),
    ("Noordenveld", "Drenthe", "GM1699"),
    ("Twenterand", "Overijssel", "GM1700"),
    ("Westerveld", "Drenthe", "GM1701"),
    ("Lingewaard", "Gelderland", "GM1705"),
    ("Cranendonck", "Noord-Brabant", "GM1706"),
    ("Steenwijkerland", "Overijssel", "GM1708"),
    ("Moerdijk", "Noord-Brabant", "GM1709"),
    ("Echt-Susteren", "Limburg", "GM1711"),
    ("Sluis", "Zeeland", "GM1714"),
    ("Drimmelen", "Noord-Brabant", "GM1719"),
    ("Bernheze", "Noord-Brabant", "GM1721"),
    ("Alphen-Chaam", "Noord-Brabant", "GM1723"),
    ("Bergeijk", "Noord-Brabant", "GM1724"),
    ("Bladel", "Noord-Brabant", "GM1728"),
    ("Gulpen-Wittem", "Limburg", "GM1729"),
    ("Tynaarlo", "Drenthe", "GM1730"),
    ("Midden-Drenthe", "Drenthe", "GM1731"),
    ("Overbetuwe", "Gelderland", "GM1734"),
    ("Hof van Twente", "Overijssel", "GM1735"),
    ("Neder-Betuwe", "Gelderland", "GM1740"),
    ("Rijssen-Holten", "Overijssel", "GM1742"),
    ("Geldrop-Mierlo", "Noord-Brabant", "GM1771"),
    ("Olst-Wijhe", "Overijssel", "GM1773"),
    ("Dinkelland", "Overijssel", "GM1774"),
    ("Westland", "Zuid-Holland", "GM1783"),
    ("Midden-Delfland", "Zuid-Holland", "GM1842"),
    ("Berkelland", "Gelderland", "GM1859"),
    ("Bronckhorst", "Gelderland", "GM1876"),
    ("Sittard-Geleen", "Limburg", "GM1883"),
    ("Kaag en Braassem", "Zuid-Holland", "GM1884"),
    ("Dantumadiel", "Fryslân", "GM1891"),
    ("Zuidplas", "Zuid-Holland", "GM1892"),
    ("Peel en Maas", "Limburg", "GM1894"),
    ("Oldambt", "Groningen", "GM1895"),
    ("Zwartewaterland", "Overijssel", "GM1896"),
    ("Súdwest-Fryslân", "Fryslân", "GM1900"),
    ("Bodegraven-Reeuwijk", "Zuid-Holland", "GM1901"),
    ("Eijsden-Margraten", "Limburg", "GM1903"),
    ("Stichtse Vecht", "Utrecht", "GM1904"),
    ("Hollands Kroon", "Noord-Holland", "GM1911"),
    ("Leidschendam-Voorburg", "Zuid-Holland", "GM1916"),
    ("Goeree-Overflakkee", "Zuid-Holland", "GM1924"),
    ("Pijnacker-Nootdorp", "Zuid-Holland", "GM1926"),
    ("Nissewaard", "Zuid-Holland", "GM1930"),
    ("Krimpenerwaard", "Zuid-Holland", "GM1931"),
    ("De Fryske Marren", "Fryslân", "GM1940"),
    ("Gooise Meren", "Noord-Holland", "GM1942"),
    ("Berg en Dal", "Gelderland", "GM1945"),
    ("Meierijstad", "Noord-Brabant", "GM1948"),
    ("Waadhoeke", "Fryslân", "GM1949"),
    ("Westerwolde", "Groningen", "GM1950"),
    ("Midden-Groningen", "Groningen", "GM1952"),
    ("Beekdaelen", "Limburg", "GM1954"),
    ("Montferland", "Gelderland", "GM1955"),
    ("Altena", "Noord-Brabant", "GM1959"),
    ("West Betuwe", "Gelderland", "GM1960"),
    ("Vijfheerenlanden", "Utrecht", "GM1961"),
    ("Hoeksche Waard", "Zuid-Holland", "GM1963"),
    ("Het Hogeland", "Groningen", "GM1966"),
    ("Westerkwartier", "Groningen", "GM1969"),
    ("Noardeast-Fryslân", "Fryslân", "GM1970"),
    ("Molenlanden", "Zuid-Holland", "GM1978"),
    ("Eemsdelta", "Groningen", "GM1979"),
    ("Dijk en Waard", "Noord-Holland", "GM1980"),
    ("Land van Cuijk", "Noord-Brabant", "GM1982"),
    ("Maashorst", "Noord-Brabant", "GM1991"),
    ("Voorne aan Zee", "Zuid-Holland", "GM1992"),
]

city = sa.table(
    "city",
    sa.column("id", sa.Integer),
    sa.column("name", sa.String),
    sa.column("province", sa.String),
    sa.column("country", sa.String),
    sa.column("cbs_code", sa.String),
    sa.column("g40", sa.Boolean),
)
# Every table with a foreign key to a city; a city one of them names stays on downgrade.
REFERRING = (
    ("project", "city_id"),
    ("project_partner_city", "city_id"),
    ("person", "city_id"),
    ("matrix_cell", "city_id"),
)


def upgrade() -> None:
    connection = op.get_bind()
    by_code = {
        code: city_id
        for city_id, code in connection.execute(
            sa.select(city.c.id, city.c.cbs_code).where(city.c.cbs_code.is_not(None))
        )
    }
    by_name = {
        name: city_id
        for city_id, name in connection.execute(
            sa.select(city.c.id, city.c.name).where(
                (city.c.country == "NL") & city.c.cbs_code.is_(None)
            )
        )
    }
    added = []
    for name, province, code in MUNICIPALITIES:
        known = by_code.get(code) or by_name.get(name)
        if known is None:
            added.append(
                {
                    "name": name,
                    "province": province,
                    "country": "NL",
                    "cbs_code": code,
                    "g40": False,
                }
            )
            continue
        connection.execute(
            city.update().where(city.c.id == known).values(cbs_code=code, province=province)
        )
    if added:
        op.bulk_insert(city, added)


def downgrade() -> None:
    # The 34 G40 cities came with migration 0002 and stay; of the others, only those
    # nothing refers to can go without taking data with them.
    g40 = sa.select(city.c.id).where(city.c.g40.is_(True))
    unreferenced = sa.and_(
        *(
            ~sa.exists().where(sa.table(table, sa.column(column)).c[column] == city.c.id)
            for table, column in REFERRING
        )
    )
    op.execute(
        city.delete().where(
            city.c.cbs_code.in_([code for _, _, code in MUNICIPALITIES])
            & city.c.id.not_in(g40)
            & unreferenced
        )
    )
