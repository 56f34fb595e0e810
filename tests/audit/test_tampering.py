"""Whoever can write to the database but lacks the keys cannot rewrite history unseen.

Each kind of tampering below is done with plain SQL, as such a person would, after the
operator took a signed checkpoint of the head; verification must find it and name the
first entry that is wrong.
"""

import hashlib
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from pydantic import ValidationError
from sqlalchemy import text
from sqlmodel import Session, col, select

from app.audit.chain import content_of
from app.audit.models import AuditEntry
from app.audit.service import take_checkpoint, verify_trail
from app.config import Settings, get_settings
from app.people.models import Role
from tests.factories import project_payload
from tests.people_factories import Callers, Headers, make_person


@dataclass
class Trail:
    session: Session
    seqs: list[int]
    by_lead: list[int]  # entries a person made (they carry an actor id)
    other_person: int

    def sql(self, statement: str, **params: Any) -> None:
        self.session.connection().execute(text(statement), params)

    def entry(self, seq: int) -> AuditEntry:
        found = self.session.get(AuditEntry, seq, populate_existing=True)
        assert found is not None
        return found

    def head_to(self, seq: int) -> None:
        self.sql(
            "UPDATE audit_head SET last_seq = :s, last_hash = :h WHERE id = 1",
            s=seq,
            h=self.entry(seq).hash,
        )


def unkeyed(prev_hash: str, content: dict[str, Any]) -> str:
    """The chain as a forger who read the code but lacks the key would compute it."""
    canonical = json.dumps(content, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(f"{prev_hash}\n{canonical}".encode()).hexdigest()


def rechain_from(trail: Trail, seq: int) -> None:
    prev = trail.entry(seq - 1).hash if seq > 1 else "0" * 64
    for current in [s for s in trail.seqs if s >= seq]:
        entry = trail.entry(current)
        entry.prev_hash = prev
        entry.hash = unkeyed(prev, content_of(entry))
        prev = entry.hash
        trail.session.add(entry)
    trail.session.flush()
    trail.sql("UPDATE audit_head SET last_hash = :h WHERE id = 1", h=prev)


def truncate(trail: Trail, seq: int) -> None:
    """Delete the entries from `seq` on and move the head back to the one before."""
    trail.sql("DELETE FROM audit_entry WHERE seq >= :s", s=seq)
    trail.head_to(seq - 1)


def edit_and_rechain(trail: Trail, seq: int) -> None:
    trail.sql("UPDATE audit_entry SET changes = '{}' WHERE seq = :s", s=seq)
    rechain_from(trail, seq)


def forge(trail: Trail, *, good_hash: bool, move_head: bool) -> None:
    last = trail.entry(trail.seqs[-1])
    forged = AuditEntry(
        seq=last.seq + 1,
        occurred_at=last.occurred_at,
        actor_pseudonym=last.actor_pseudonym,
        actor_role="administrator",
        action="project.delete",
        object_type="project",
        object_id="1",
        changes={},
        prev_hash=last.hash,
        hash="0" * 64,
    )
    if good_hash:
        forged.hash = unkeyed(last.hash, content_of(forged))
    trail.session.add(forged)
    trail.session.flush()
    if move_head:
        trail.head_to(forged.seq)


def swap(trail: Trail, a: int, b: int) -> None:
    trail.sql("UPDATE audit_entry SET seq = -1 WHERE seq = :a", a=a)
    trail.sql("UPDATE audit_entry SET seq = :a WHERE seq = :b", a=a, b=b)
    trail.sql("UPDATE audit_entry SET seq = :b WHERE seq = -1", b=b)


def renumber_after_deleting(trail: Trail, seq: int) -> None:
    trail.sql("DELETE FROM audit_entry WHERE seq = :s", s=seq)
    for later in [s for s in trail.seqs if s > seq]:
        trail.sql("UPDATE audit_entry SET seq = :n WHERE seq = :s", n=later - 1, s=later)
    trail.head_to(trail.seqs[-2])


Tamper = Callable[[Trail], None]
# kind -> (what is done, which entry must be named)
KINDS: dict[str, tuple[Tamper, Callable[[Trail], int]]] = {
    "edit content": (
        lambda t: t.sql("UPDATE audit_entry SET changes = '{}' WHERE seq = :s", s=t.by_lead[1]),
        lambda t: t.by_lead[1],
    ),
    "edit time": (
        lambda t: t.sql(
            "UPDATE audit_entry SET occurred_at = '2020-01-01 00:00:00' WHERE seq = :s",
            s=t.by_lead[1],
        ),
        lambda t: t.by_lead[1],
    ),
    "edit actor": (
        lambda t: t.sql(
            "UPDATE audit_entry SET actor_person_id = :p WHERE seq = :s",
            p=t.other_person,
            s=t.by_lead[1],
        ),
        lambda t: t.by_lead[1],
    ),
    "clear the actor of a person not erased": (
        lambda t: t.sql(
            "UPDATE audit_entry SET actor_person_id = NULL WHERE seq = :s", s=t.by_lead[1]
        ),
        lambda t: t.by_lead[1],
    ),
    "edit pseudonym": (
        lambda t: t.sql(
            "UPDATE audit_entry SET actor_pseudonym = :p WHERE seq = :s", p="f" * 32, s=t.seqs[2]
        ),
        lambda t: t.seqs[2],
    ),
    "edit role": (
        lambda t: t.sql(
            "UPDATE audit_entry SET actor_role = 'administrator' WHERE seq = :s", s=t.seqs[2]
        ),
        lambda t: t.seqs[2],
    ),
    "delete first": (
        lambda t: t.sql("DELETE FROM audit_entry WHERE seq = :s", s=t.seqs[0]),
        lambda t: t.seqs[0],
    ),
    "delete middle": (
        lambda t: t.sql("DELETE FROM audit_entry WHERE seq = :s", s=t.seqs[3]),
        lambda t: t.seqs[3],
    ),
    "delete last": (
        lambda t: t.sql("DELETE FROM audit_entry WHERE seq = :s", s=t.seqs[-1]),
        lambda t: t.seqs[-1],
    ),
    "delete the last two and move the head back": (
        lambda t: truncate(t, t.seqs[-2]),
        lambda t: t.seqs[-2],
    ),
    "swap": (lambda t: swap(t, t.seqs[2], t.seqs[3]), lambda t: t.seqs[2]),
    "renumber": (lambda t: renumber_after_deleting(t, t.seqs[3]), lambda t: t.seqs[3]),
    "re-chain": (
        lambda t: edit_and_rechain(t, t.seqs[3]),
        lambda t: t.seqs[3],
    ),
    "forge with a bad hash": (
        lambda t: forge(t, good_hash=False, move_head=False),
        lambda t: t.seqs[-1] + 1,
    ),
    "forge with a correct hash": (
        lambda t: forge(t, good_hash=True, move_head=False),
        lambda t: t.seqs[-1] + 1,
    ),
    "forge with a correct hash and move the head": (
        lambda t: forge(t, good_hash=True, move_head=True),
        lambda t: t.seqs[-1] + 1,
    ),
    "move the head back": (lambda t: t.head_to(t.seqs[-2]), lambda t: t.seqs[-1]),
    "edit the head": (
        lambda t: t.sql("UPDATE audit_head SET last_hash = :h WHERE id = 1", h="f" * 64),
        lambda t: t.seqs[-1],
    ),
}


@pytest.fixture
def trail(
    client: TestClient,
    session: Session,
    lead: Headers,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> Iterator[Trail]:
    monkeypatch.setenv("AUDIT_CHECKPOINTS_PATH", str(tmp_path / "checkpoints.jsonl"))
    get_settings.cache_clear()
    project = client.post("/projects", json=project_payload(session), headers=lead).json()
    for title in ("Renamed pilot", "Renamed again", "Renamed a third time"):
        client.patch(f"/projects/{project['id']}", json={"title": title}, headers=lead)
    client.post(f"/projects/{project['id']}/hold", json={"reason": "Budget round"}, headers=lead)
    other = make_person(session, roles=[Role.BOARD_MEMBER], name="Someone Else")
    seqs = list(session.exec(select(AuditEntry.seq).order_by(col(AuditEntry.seq))))
    by_lead = list(
        session.exec(
            select(AuditEntry.seq)
            .where(col(AuditEntry.actor_person_id).is_not(None))
            .order_by(col(AuditEntry.seq))
        )
    )
    assert len(seqs) >= 8
    assert len(by_lead) >= 4
    assert other.id is not None
    assert verify_trail(session).intact
    take_checkpoint(session)
    session.expunge_all()
    yield Trail(session=session, seqs=seqs, by_lead=by_lead, other_person=other.id)
    get_settings.cache_clear()


@pytest.mark.parametrize("kind", list(KINDS))
def test_tampering_is_found_and_the_first_bad_entry_named(
    trail: Trail, client: TestClient, callers: Callers, kind: str
) -> None:
    tamper, named = KINDS[kind]
    expected = named(trail)

    tamper(trail)
    result = verify_trail(trail.session)

    assert (result.intact, result.first_bad_seq) == (False, expected), result.problem


def test_the_service_answers_the_same_over_http(
    trail: Trail, client: TestClient, callers: Callers
) -> None:
    admin = callers.admin  # made now: people made later write entries of their own
    trail.seqs.extend(
        trail.session.exec(select(AuditEntry.seq).where(col(AuditEntry.seq) > trail.seqs[-1]))
    )
    take_checkpoint(trail.session)
    truncate(trail, trail.seqs[-2])

    result = client.get("/audit/verification", headers=admin).json()

    assert result["intact"] is False
    assert result["first_bad_seq"] == trail.seqs[-2]
    assert "checkpoint" in result["problem"]


def test_erasure_leaves_the_chain_verifiable(
    trail: Trail, client: TestClient, lead: Headers, callers: Callers
) -> None:
    me = client.get("/people/me", headers=lead).json()

    client.post(f"/people/{me['id']}/erase", headers=callers.admin)

    assert verify_trail(trail.session).intact


def test_a_checkpoint_signed_by_another_key_is_refused(trail: Trail) -> None:
    path = get_settings().audit_checkpoints_path
    line = json.loads(path.read_text().splitlines()[-1])
    line["hash"] = "f" * 64
    path.write_text(path.read_text() + json.dumps(line) + "\n")

    result = verify_trail(trail.session)

    assert result.intact is False
    assert "not signed by this service's checkpoint key" in (result.problem or "")


class TestKeysComeFromTheSettings:
    def test_placeholders_are_refused_outside_demo(self) -> None:
        with pytest.raises(ValidationError, match="AUDIT_KEY"):
            Settings(environment="production")

    def test_real_keys_are_accepted(self) -> None:
        settings = Settings(
            environment="production",
            audit_key="k" * 40,
            audit_checkpoint_key="AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
            secret_key="s" * 40,
        )

        assert settings.audit_key.get_secret_value() == "k" * 40
