"""Every example of the README, read from the README itself, runs as written on the demo.

The examples are the `sh` blocks that speak to the service (`localhost:8000`) or run
`citygate`. They run in order, in one bash session, against a server started on a fresh
demo (as `make run` starts it); each definition of a token (`X='Authorization: Bearer
cg_…'  # Name, …`) gets the demo token of the person it names. Any answer of 400 or more
fails the run (`curl --fail-with-body`), so an example added later is held to it too.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from tests.conftest import ROOT
from tests.live_server import Server

README = (ROOT / "README.md").read_text(encoding="utf-8")
BLOCK = re.compile(r"```sh\n(.*?)```", re.S)
TOKEN = re.compile(r"^(\w+)='Authorization: Bearer cg_…'(\s+#\s*)([^,(\n]+)", re.M)
DEMO_TOKEN = re.compile(r"^  (\S+ \S+)\s+.*\s(cg_[A-Za-z0-9_-]{43})$", re.M)
BIN = Path(sys.executable).parent


def examples() -> list[str]:
    return [b for b in BLOCK.findall(README) if "localhost:8000" in b or "citygate " in b]


def run(command: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout


@pytest.fixture
def demo(tmp_path: Path) -> tuple[dict[str, str], dict[str, str]]:
    """A fresh demo as `make run` makes it: its environment and the people's tokens."""
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'citygate.db'}",
        "AUDIT_CHECKPOINTS_PATH": str(tmp_path / "audit-checkpoints.jsonl"),
        "ENVIRONMENT": "demo",
    }
    run([str(BIN / "alembic"), "upgrade", "head"], env)
    run([str(BIN / "citygate"), "reindex", "--missing"], env)
    printed = run([str(BIN / "citygate"), "load-demo"], env)
    return env, dict(DEMO_TOKEN.findall(printed))


def script(port: int, tokens: dict[str, str]) -> str:
    def token(found: re.Match[str]) -> str:
        name = found.group(3).strip()
        assert name in tokens, f"the README names {name!r}, who is not a demo person"
        return f"{found.group(1)}='Authorization: Bearer {tokens[name]}'{found.group(2)}{name}"

    blocks = [
        f"echo '### example {number}' >&2\n" + TOKEN.sub(token, block)
        for number, block in enumerate(examples(), start=1)
    ]
    body = "\n".join(blocks).replace("localhost:8000", f"127.0.0.1:{port}")
    return (
        "set -euo pipefail\n"
        'curl() { command curl --fail-with-body --show-error "$@"; echo; }\n' + body
    )


def test_the_readme_has_examples_for_every_role() -> None:
    names = {found.group(3).strip() for found in TOKEN.finditer(README)}

    assert len(examples()) >= 4
    assert {"Lotte Lead", "Bram Lead", "Chris Chair", "Ada Admin"} <= names


def test_every_readme_example_runs_on_the_demo(
    demo: tuple[dict[str, str], dict[str, str]], tmp_path: Path
) -> None:
    env, tokens = demo
    server = Server(env["DATABASE_URL"])
    server.start(AUDIT_CHECKPOINTS_PATH=env["AUDIT_CHECKPOINTS_PATH"])
    # The examples run in a directory of their own (files they write stay there), with
    # the project's virtualenv where the README says it is.
    (tmp_path / ".venv").symlink_to(BIN.parent)
    try:
        done = subprocess.run(
            ["bash", "-c", script(server.port, tokens)],
            cwd=tmp_path,
            env=env,
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
        )
        history = httpx.get(f"{server.base_url}/projects/9/history").json()
        pipeline = httpx.get(f"{server.base_url}/portfolio/pipeline").json()
    finally:
        server.kill()

    assert done.returncode == 0, f"{done.stderr[-3000:]}\n{done.stdout[-2000:]}"
    assert [h["to_stage"] for h in history][-1] == "pilot"
    measured = [s for s in pipeline["stages"] if s["stays_measured"]]
    assert measured
    assert all(s["median_days"] > 0 for s in measured), "the demo's stays all last no time"
