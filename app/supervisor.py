"""`citygate run`: the API, one Celery worker and beat, started and stopped together.

The embedded mode's one command. Ctrl-C reaches all three (they share the terminal's
process group); if one of them stops on its own, the others are stopped too and the
exit status says which failed. The worker and beat log warnings and errors only: at
INFO every sweep writes five lines every few seconds over the API's own log.
"""

import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

CELERY_APP = "workers.celery_app:celery_app"
STOP_SECONDS = 20


def commands(host: str, port: int) -> dict[str, list[str]]:
    bin_dir = Path(sys.executable).parent
    return {
        "api": [str(bin_dir / "uvicorn"), "app.main:app", "--host", host, "--port", str(port)],
        "worker": [
            str(bin_dir / "celery"), "-A", CELERY_APP, "worker", "--loglevel", "WARNING",
            "--concurrency", "2", "--without-gossip", "--without-mingle",
        ],
        "beat": [str(bin_dir / "celery"), "-A", CELERY_APP, "beat", "--loglevel", "WARNING"],
    }  # fmt: skip


def run(host: str, port: int) -> int:
    """Run the three until Ctrl-C or until one of them stops; returns the exit status."""
    started: dict[str, subprocess.Popen[bytes]] = {}
    interrupted = False
    try:
        for name, command in commands(host, port).items():
            started[name] = subprocess.Popen(command)
        return _watch(started)
    except KeyboardInterrupt:
        interrupted = True
        print("\nStopping the API, the worker and beat ...", flush=True)
        return 0
    finally:
        _stop(list(started.values()), signalled=interrupted)


def _watch(started: dict[str, subprocess.Popen[bytes]]) -> int:
    while True:
        for name, process in started.items():
            code = process.poll()
            if code is not None:
                print(f"citygate: the {name} stopped (exit status {code}); stopping the rest.")
                return code or 1
        time.sleep(0.5)


def _stop(processes: Sequence[subprocess.Popen[bytes]], *, signalled: bool) -> None:
    alive = [p for p in processes if p.poll() is None]
    if not signalled:
        # Ctrl-C reaches every process of the terminal at once; otherwise ask each here.
        for process in alive:
            process.terminate()
    deadline = time.monotonic() + STOP_SECONDS
    for process in alive:
        try:
            process.wait(timeout=max(0.1, deadline - time.monotonic()))
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
