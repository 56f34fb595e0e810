"""`citygate` command line: operator tasks outside the API."""

import argparse
import sys

from app.config import get_settings
from app.db import session_scope
from app.demo.loader import load_demo
from app.lifecycle import get_registry
from workflows.definition import WorkflowInvalid


def _load_demo(_: argparse.Namespace) -> int:
    with session_scope() as session:
        created = load_demo(
            session, registry=get_registry(), workflow=get_settings().default_workflow
        )
    if created:
        print(f"Loaded the demo portfolio: {created} projects.")
    else:
        print("The database already has projects; the demo portfolio was not loaded.")
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="citygate", description=__doc__)
    commands = parser.add_subparsers(required=True)
    demo = commands.add_parser("load-demo", help="fill an empty database with the demo portfolio")
    demo.set_defaults(run=_load_demo)
    check = commands.add_parser("check-workflows", help="validate the published workflow files")
    check.set_defaults(run=_check_workflows)
    args = parser.parse_args(argv)
    result: int = args.run(args)
    return result


if __name__ == "__main__":
    sys.exit(main())
