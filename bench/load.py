"""HTTP load on loopback: a uvicorn server in its own process, driven by wrk.

wrk (Debian package `wrk`) is the load generator for both the floor and citygate, with the
same threads, connections and duration, so their figures compare.
"""

import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import httpx

THREADS = 2
CONNECTIONS = 32


@dataclass(frozen=True)
class Server:
    url: str
    pid: int

    def rss_mib(self) -> float:
        """Resident memory of the worker process, from the kernel's own count."""
        status = Path(f"/proc/{self.pid}/status").read_text()
        match = re.search(r"VmRSS:\s+(\d+) kB", status)
        assert match is not None
        return int(match.group(1)) / 1024


@dataclass(frozen=True)
class Load:
    requests: int
    per_second: float
    p50_ms: float
    p99_ms: float
    failed: int  # non-2xx responses and socket errors

    def as_dict(self) -> dict[str, float]:
        return {
            "requests": self.requests,
            "per_second": round(self.per_second, 1),
            "p50_ms": round(self.p50_ms, 2),
            "p99_ms": round(self.p99_ms, 2),
            "failed": self.failed,
        }


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@contextmanager
def serving(app: str, env: dict[str, str], health: str = "/health") -> Iterator[Server]:
    """One uvicorn worker (httptools, uvloop) without access log, as deployed."""
    port = _free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "uvicorn", app, "--port", str(port), "--no-access-log",
         "--log-level", "warning"],
        env={**os.environ, **env},
    )  # fmt: skip
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                # 503 is a server that is up and says background work lags: no worker
                # runs beside the benchmark's servers, so events wait for one.
                if httpx.get(f"{url}{health}", timeout=2).status_code in (200, 503):
                    break
            except httpx.TransportError:
                pass
            if process.poll() is not None or time.monotonic() > deadline:
                raise RuntimeError(f"{app} did not start")
            time.sleep(0.2)
        yield Server(url=url, pid=process.pid)
    finally:
        process.terminate()
        process.wait(timeout=30)


def wrk(server: Server, script: str, seconds: float) -> Load:
    """Run wrk with a Lua script that builds each request."""
    binary = shutil.which("wrk")
    if binary is None:
        raise RuntimeError("wrk is not installed: apt-get install wrk (or `make bench`)")
    with tempfile.NamedTemporaryFile("w", suffix=".lua") as lua:
        lua.write(script)
        lua.flush()
        done = subprocess.run(
            [binary, f"-t{THREADS}", f"-c{CONNECTIONS}", f"-d{max(1, round(seconds))}s",
             "--timeout", "10s",
             "--latency", "-s", lua.name, server.url],
            capture_output=True, text=True, check=True,
        )  # fmt: skip
    return parse(done.stdout)


def parse(output: str) -> Load:
    def number(pattern: str) -> float:
        match = re.search(pattern, output)
        return float(match.group(1)) if match else 0.0

    def latency(percentile: str) -> float:
        match = re.search(rf"^\s+{percentile}%\s+([\d.]+)(us|ms|s)\s*$", output, re.MULTILINE)
        if match is None:
            return 0.0
        scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}[match.group(2)]
        return float(match.group(1)) * scale

    errors = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    socket_errors = sum(int(n) for n in errors.groups()) if errors else 0
    return Load(
        requests=int(number(r"(\d+) requests in")),
        per_second=number(r"Requests/sec:\s+([\d.]+)"),
        p50_ms=latency("50"),
        p99_ms=latency("99"),
        failed=int(number(r"Non-2xx or 3xx responses: (\d+)")) + socket_errors,
    )


def random_get(paths: list[str], first: int, last: int, token: str | None = None) -> str:
    """GET one of `paths` ("{id}" replaced by a random id in first..last) per request."""
    quoted = ", ".join(f'"{p}"' for p in paths)
    auth = f'wrk.headers["Authorization"] = "Bearer {token}"' if token else ""
    return f"""
{auth}
local paths = {{{quoted}}}
math.randomseed(os.time())
request = function()
  local path = paths[math.random(#paths)]
  return wrk.format("GET", (path:gsub("{{id}}", tostring(math.random({first}, {last})))))
end
"""


def random_post(path: str, first: int, last: int, body: str = "") -> str:
    return f"""
wrk.headers["Content-Type"] = "application/json"
request = function()
  local target = ("{path}"):gsub("{{id}}", tostring(math.random({first}, {last})))
  return wrk.format("POST", target, nil, '{body}')
end
"""


def each_once(path: str, first: int, token: str, body: str, *, version: int = 1) -> str:
    """POST to `path` for first, first+1, ...: every id once, split over wrk's threads;
    each as the client read it (`If-Match`, which votes require), at `version`."""
    return f"""
local threads = 0
function setup(thread)
  thread:set("offset", threads)
  threads = threads + 1
end
function init(args)
  step = {THREADS}
  next_id = {first} + offset
end
wrk.headers["Authorization"] = "Bearer {token}"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["If-Match"] = '"{version}"'
request = function()
  local target = ("{path}"):gsub("{{id}}", tostring(next_id))
  next_id = next_id + step
  return wrk.format("POST", target, nil, '{body}')
end
"""
