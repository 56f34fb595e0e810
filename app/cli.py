"""`citygate` command line: operator tasks outside the API."""

import argparse
import base64
import json
import secrets
import sys
from dataclasses import asdict
from datetime import UTC, date, datetime, time
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from pydantic import ValidationError
from sqlmodel import select

from app import supervisor
from app.audit.service import take_checkpoint, verify_trail
from app.auth.principal import SYSTEM
from app.clock import as_utc, utcnow
from app.config import get_settings
from app.db import session_scope
from app.demo.loader import load_demo
from app.demo.people import issue_demo_tokens
from app.errors import AppError
from app.idempotency import store as idempotency
from app.lifecycle import get_registry
from app.models import metadata
from app.outbox import kick
from app.outbox import repository as outbox
from app.people import service as people
from app.people.models import Role
from app.people.schemas import PersonCreate, TokenCreate
from app.portfolio import stored_similar, tallies
from app.portfolio.term_index import index_all, recount_frequencies, unindexed
from app.projects.models import Project
from workflows.invalid import WorkflowInvalid


def _load_demo(_: argparse.Namespace) -> int:
    settings = get_settings()
    if settings.environment != "demo":
        print(
            f"Refused: the demo is only loaded with ENVIRONMENT=demo (not {settings.environment})."
        )
        return 2
    with session_scope() as session:
        created = load_demo(session, registry=get_registry(), workflow=settings.default_workflow)
        if created:
            # Each list names the projects registered after it too, without waiting a day.
            stored_similar.store_all(session, stored_similar.every(session))
        issued = issue_demo_tokens(session)
    if created:
        print(f"Loaded the demo portfolio: {created} projects.")
    else:
        print("The database already has projects; the demo portfolio was not loaded again.")
    print("\nDemo people and their tokens (valid 30 days; demo mode only):")
    for demo, token in issued:
        roles = ", ".join(role.value for role in demo.roles)
        print(f"  {demo.name:<15} {roles:<22} {demo.city or '-':<7} {token}")
    print("\nTry: curl -H 'Authorization: Bearer <token>' http://127.0.0.1:8000/api/v1/people/me")
    return 0


def _create_admin(args: argparse.Namespace) -> int:
    try:
        data = PersonCreate(name=args.name, email=args.email, roles=[Role.ADMINISTRATOR])
        with session_scope() as session:
            person = people.create_person(session, data=data, actor=SYSTEM)
            _, token = people.issue_token(
                session,
                person=person,
                data=TokenCreate(label="first administrator", expires_in_days=args.days),
                actor=SYSTEM,
            )
            person_id = person.id
    except (ValidationError, AppError) as refused:
        print(f"Refused: {refused}", file=sys.stderr)
        return 2
    print(f"Administrator {args.name} created (person {person_id}).")
    print(f"Token, shown only now, valid {args.days} days:\n{token}")
    return 0


def _verify_audit(args: argparse.Namespace) -> int:
    with session_scope() as session:
        result = verify_trail(session, checkpoints_path=args.checkpoints)
    if result.intact:
        print(f"Audit trail intact: {result.entries_checked} entries verified.")
        return 0
    print(f"Audit trail BROKEN at entry {result.first_bad_seq}: {result.problem}", file=sys.stderr)
    return 1


def _audit_checkpoint(args: argparse.Namespace) -> int:
    with session_scope() as session:
        checkpoint = take_checkpoint(session, path=args.path)
    # The line to publish where the database's writers cannot reach it.
    print(json.dumps(asdict(checkpoint), sort_keys=True))
    return 0


def _new_audit_keys(_: argparse.Namespace) -> int:
    seed = Ed25519PrivateKey.generate().private_bytes(
        serialization.Encoding.Raw, serialization.PrivateFormat.Raw, serialization.NoEncryption()
    )
    print(f"AUDIT_KEY={secrets.token_urlsafe(48)}")
    print(f"AUDIT_CHECKPOINT_KEY={base64.urlsafe_b64encode(seed).decode()}")
    return 0


def _sweep_idempotency_keys(_: argparse.Namespace) -> int:
    with session_scope() as session:
        swept = idempotency.sweep_expired(session)
    hours = get_settings().idempotency_key_hours
    print(f"Swept {swept} idempotency key(s) older than {hours} hours.")
    return 0


def _reindex(args: argparse.Namespace) -> int:
    with session_scope() as session:
        projects = unindexed(session) if args.missing else list(session.exec(select(Project)))
        count = index_all(session, projects)
        session.commit()
        if args.missing:
            # Run at every upgrade (make migrate, compose): a search per project would
            # hold the upgrade for an hour at 100,000 projects. The beat sweep finds
            # the missing lists, and readiness searches live until it has.
            print(f"Indexed the texts of {count} project(s) for similar-project search.")
            return 0
        # After the index is committed: the searches that find the lists read it.
        found = stored_similar.store_all(session, stored_similar.every(session))
    print(f"Indexed the texts of {count} project(s) for similar-project search.")
    print(f"Found and stored the similar projects of {found} project(s).")
    return 0


def _recount(_: argparse.Namespace) -> int:
    with session_scope() as session:
        tallies.recount(session)
        recount_frequencies(session)
        session.commit()
    print("Counted the portfolio afresh: matrix, pipeline and search term frequencies.")
    return 0


def _check_workflows(_: argparse.Namespace) -> int:
    try:
        registry = get_registry()
    except WorkflowInvalid as invalid:
        print(f"{invalid.source}:", file=sys.stderr)
        for problem in invalid.problems:
            print(f"  - {problem}", file=sys.stderr)
        return 1
    for workflow in registry.workflows():
        print(f"{workflow.name} v{workflow.version}: {len(workflow.stages)} stages, valid")
    return 0


def _run(args: argparse.Namespace) -> int:
    return supervisor.run(args.host, args.port)


def _outbox(args: argparse.Namespace) -> int:
    with session_scope() as session:
        if args.republish or args.republish_type or args.republish_since:
            since = args.republish_since
            count = outbox.mark_unpublished(
                session,
                ids=args.republish,
                event_type=args.republish_type,
                since=datetime.combine(since, time(), tzinfo=UTC) if since else None,
            )
            session.commit()
            kicked = kick.kick_relay()
            relayed = "relaying now" if kicked else "the relay sweep publishes them"
            print(f"Marked {count} event(s) to be published again; {relayed}.")
        backlog = outbox.backlog(session)
    if backlog.pending == 0:
        print("Outbox: every event is published.")
        return 0
    oldest = backlog.oldest_pending_at
    age = (utcnow() - as_utc(oldest)).total_seconds() if oldest else 0
    print(f"Outbox: {backlog.pending} event(s) waiting, the oldest for {age:.0f} s.")
    for event_type, count in backlog.by_type.items():
        print(f"  {event_type:<28} {count}")
    return 0


def main(argv: list[str] | None = None) -> int:
    assert metadata.tables, "every table is registered through app.models"
    parser = argparse.ArgumentParser(prog="citygate", description=__doc__)
    commands = parser.add_subparsers(required=True)
    demo = commands.add_parser(
        "load-demo", help="demo portfolio (into an empty database) and demo people with tokens"
    )
    demo.set_defaults(run=_load_demo)
    admin = commands.add_parser("create-admin", help="create an administrator and print a token")
    admin.add_argument("--name", required=True)
    admin.add_argument("--email", required=True)
    admin.add_argument("--days", type=int, default=30, choices=range(1, 366), metavar="1..365")
    admin.set_defaults(run=_create_admin)
    verify = commands.add_parser(
        "verify-audit", help="verify the audit trail's keyed chain against signed checkpoints"
    )
    verify.add_argument(
        "--checkpoints",
        type=Path,
        default=None,
        help="a published copy of the checkpoints (default: AUDIT_CHECKPOINTS_PATH)",
    )
    verify.set_defaults(run=_verify_audit)
    checkpoint = commands.add_parser(
        "audit-checkpoint",
        help="sign the audit chain's head, append it to the checkpoints and print it",
    )
    checkpoint.add_argument("--path", type=Path, default=None, help="AUDIT_CHECKPOINTS_PATH")
    checkpoint.set_defaults(run=_audit_checkpoint)
    keys = commands.add_parser("new-audit-keys", help="print fresh AUDIT_KEY and checkpoint key")
    keys.set_defaults(run=_new_audit_keys)
    sweep = commands.add_parser(
        "sweep-idempotency-keys",
        help="delete stored responses of Idempotency-Keys past their expiry (run periodically)",
    )
    sweep.set_defaults(run=_sweep_idempotency_keys)
    reindex = commands.add_parser(
        "reindex", help="rebuild the similar-project search index and the stored similar projects"
    )
    reindex.add_argument(
        "--missing",
        action="store_true",
        help="only the texts of projects not indexed yet (the beat sweep finds their lists)",
    )
    reindex.set_defaults(run=_reindex)
    recount = commands.add_parser(
        "recount", help="count the portfolio afresh after rows were loaded around the API"
    )
    recount.set_defaults(run=_recount)
    check = commands.add_parser("check-workflows", help="validate the published workflow files")
    check.set_defaults(run=_check_workflows)
    serve = commands.add_parser(
        "run", help="the API, a Celery worker and beat together; Ctrl-C stops all three"
    )
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.set_defaults(run=_run)
    relay = commands.add_parser(
        "outbox", help="show the events waiting to be published, or publish events again"
    )
    relay.add_argument(
        "--republish", type=int, action="append", metavar="ID", help="an event id (repeatable)"
    )
    relay.add_argument("--republish-type", metavar="TYPE", help="every event of this type")
    relay.add_argument(
        "--republish-since", type=date.fromisoformat, metavar="YYYY-MM-DD",
        help="every event since this day (with --republish-type: of that type)",
    )  # fmt: skip
    relay.set_defaults(run=_outbox)
    args = parser.parse_args(argv)
    result: int = args.run(args)
    return result


if __name__ == "__main__":
    sys.exit(main())
