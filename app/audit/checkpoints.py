"""Signed checkpoints of the audit chain's head, kept outside the database.

Modelled on Certificate Transparency's signed tree heads: a checkpoint says "the trail
had N entries and entry N's hash was H at time T", signed with an Ed25519 key that is
not in the database (`AUDIT_CHECKPOINT_KEY`). `citygate audit-checkpoint` appends one to
`AUDIT_CHECKPOINTS_PATH` (one JSON object a line) and prints it; run it periodically (a
beat job) and publish the lines where the database's writers cannot reach: mail them
to the board, put them on a public page, or copy the file to write-once storage.
Verification then shows a trail cut back or rolled back to before a checkpoint, which a
hash chain alone cannot. Anyone can check a published checkpoint with the public key
that each line carries.
"""

import base64
import json
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from sqlmodel import Session

from app.audit.models import AuditHead
from app.clock import utcnow
from app.config import get_settings


@dataclass(frozen=True)
class Checkpoint:
    seq: int
    hash: str
    at: str
    public_key: str
    signature: str

    def message(self) -> bytes:
        return f"citygate audit checkpoint\n{self.seq}\n{self.hash}\n{self.at}".encode()


class CheckpointInvalid(Exception):
    """A checkpoint whose signature does not hold: the file was changed, or another key."""


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode()


def signing_key() -> Ed25519PrivateKey:
    seed = base64.urlsafe_b64decode(get_settings().audit_checkpoint_key.get_secret_value())
    return Ed25519PrivateKey.from_private_bytes(seed)


def public_key() -> str:
    """The key that checks this service's checkpoints, in URL-safe base64."""
    raw = (
        signing_key()
        .public_key()
        .public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    )
    return _b64(raw)


def sign_head(session: Session) -> Checkpoint:
    """A signed checkpoint of the chain's head as it stands now."""
    head = session.get(AuditHead, 1)
    seq, last_hash = (head.last_seq, head.last_hash) if head else (0, "")
    unsigned = Checkpoint(
        seq=seq,
        hash=last_hash,
        at=utcnow().isoformat(timespec="seconds"),
        public_key=public_key(),
        signature="",
    )
    signature = _b64(signing_key().sign(unsigned.message()))
    return Checkpoint(**{**asdict(unsigned), "signature": signature})


def append(checkpoint: Checkpoint, path: Path | None = None) -> Path:
    """Add a checkpoint to the store file (made if missing); return its path."""
    target = path or get_settings().audit_checkpoints_path
    target.parent.mkdir(parents=True, exist_ok=True)
    with target.open("a", encoding="utf-8") as store:
        store.write(json.dumps(asdict(checkpoint), sort_keys=True) + "\n")
    return target


def load(path: Path | None = None) -> list[Checkpoint]:
    """Every checkpoint in the store file, each checked against this service's key."""
    source = path or get_settings().audit_checkpoints_path
    if not source.exists():
        return []
    lines = source.read_text(encoding="utf-8").splitlines()
    return checked(Checkpoint(**json.loads(line)) for line in lines if line.strip())


def checked(checkpoints: Iterable[Checkpoint]) -> list[Checkpoint]:
    key = signing_key().public_key()
    found = []
    for checkpoint in checkpoints:
        _verify(key, checkpoint)
        found.append(checkpoint)
    return found


def _verify(key: Ed25519PublicKey, checkpoint: Checkpoint) -> None:
    try:
        key.verify(base64.urlsafe_b64decode(checkpoint.signature), checkpoint.message())
    except (InvalidSignature, ValueError) as invalid:
        raise CheckpointInvalid(
            f"the checkpoint of entry {checkpoint.seq} at {checkpoint.at} is not signed by "
            "this service's checkpoint key"
        ) from invalid
