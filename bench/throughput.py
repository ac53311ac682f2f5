"""Throughput and latency of one URL under a steady load, measured by wrk (Debian's package).

wrk keeps `connections` requests in flight for `duration` seconds, on connections it keeps alive
(production's gthread workers keep them open for a few seconds; the sync workers measured before
closed each one after its response, so every request then also paid a TCP connect). The figures come back from wrk's Lua `done()` hook as JSON (wrk_report.lua).
"""

import dataclasses
import json
import shutil
import subprocess
from pathlib import Path

REPORT_SCRIPT = Path(__file__).with_name("wrk_report.lua")


@dataclasses.dataclass(frozen=True)
class Load:
    """How hard wrk pushes: threads, open connections, seconds."""

    threads: int
    connections: int
    duration: int

    def args(self) -> list[str]:
        return [f"-t{self.threads}", f"-c{self.connections}", f"-d{self.duration}s"]


def ensure_wrk() -> str:
    """The path of wrk, installed with apt-get if missing (`apt-get update` only if that fails)."""
    found = shutil.which("wrk")
    if found:
        return found
    install = ["apt-get", "install", "-y", "-q", "wrk"]
    if subprocess.run(install, capture_output=True, check=False).returncode != 0:
        subprocess.run(["apt-get", "update", "-q"], capture_output=True, check=True)
        subprocess.run(install, capture_output=True, check=True)
    found = shutil.which("wrk")
    if not found:
        raise RuntimeError("wrk is not installed and apt-get could not install it")
    return found


def measure(url: str, *, load: Load, headers: dict[str, str]) -> dict:
    """Run wrk against `url` and return requests/s, latency percentiles (ms), errors and bytes.

    `errors.status` counts responses outside 2xx/3xx: a run with any is not a measurement of the
    page, and the caller fails the benchmark.
    """
    command = ["wrk", *load.args(), "--latency", "-s", str(REPORT_SCRIPT)]
    for name, value in headers.items():
        command += ["-H", f"{name}: {value}"]
    done = subprocess.run(
        [*command, url], capture_output=True, text=True, check=True, timeout=load.duration + 60
    )
    line = next((line for line in done.stdout.splitlines() if line.startswith("BENCH_JSON ")), None)
    if line is None:
        raise RuntimeError(f"wrk printed no figures for {url}:\n{done.stdout}\n{done.stderr}")
    raw = json.loads(line.removeprefix("BENCH_JSON "))
    seconds = raw["duration_us"] / 1e6
    return {
        "url": url,
        "requests": raw["requests"],
        "seconds": round(seconds, 2),
        "requests_per_second": round(raw["requests"] / seconds, 1),
        "latency_ms": {name: round(value / 1000, 2) for name, value in raw["latency_us"].items()},
        "errors": raw["errors"],
        "bytes_per_response": round(raw["bytes"] / raw["requests"]) if raw["requests"] else 0,
    }


def warm_up(url: str, *, headers: dict[str, str]) -> None:
    """Three seconds of load, not recorded: every worker renders the page once (a large program
    takes a quarter of a second) and has it in its cache afterwards."""
    measure(url, load=Load(threads=1, connections=8, duration=3), headers=headers)
