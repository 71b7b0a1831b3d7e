"""HTTP load on the recommendations endpoint with wrk, over a store of N vacancies.

The store: the bundled demo market loaded with the real e5 encoder (int8, as the service
runs it), then N synthetic vacancies: copies of the demo vacancies under new ids whose
vectors are their demo vacancy's e5 vector plus small Gaussian noise (encoding 100,000 texts
would take most of an hour on two cores and is measured in bulk_import.py instead). The
store is built once per data folder and reused by later runs.

The service runs as ``karyab serve`` in a subprocess on loopback with API keys on; wrk
(Debian's package) sends ``GET /v1/jobseekers/{id}/recommendations`` from C connections
cycling over the stored jobseekers for D seconds, after the nightly batch (``batch_match``)
has snapshotted every jobseeker's recommendations. The baseline, in the same run and with
the same wrk settings, is ``GET /v1/jobseekers/{id}``: the same stack (keys, limits, one
stored-record read) with no matching.

Targets: p99 <= 150 ms at 20 connections over 100,000 vacancies with zero errors (issue 6);
>= 500 requests/s with p99 <= 100 ms (issue 8).

    python benchmarks/api_load.py [--vacancies 100000] [--connections 20] [--duration 30]
        [--workers 1] [--jobseekers N] [--data-dir DIR] [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from dataclasses import replace
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

BATCH = 5_000
NOISE = 0.02  # e5 cosines between a demo vector and its noisy copy stay above 0.99


def build_store(data_dir: Path, vacancies: int, seed: int = 0) -> tuple[dict[str, int], list[str]]:
    """Demo market (real encoder) plus synthetic vacancies up to ``vacancies`` in all; returns
    the counts and the stored jobseekers' ids."""
    import numpy as np
    from tqdm import tqdm

    from karyab.service import Karyab
    from karyab.settings import Settings

    engine = Karyab.open(Settings(data_dir=data_dir, load_demo=False))
    try:
        if engine.store.count("vacancy") == 0:
            engine.load_demo_if_empty(show_progress=True, history=False)
        index = engine.indexes["vacancy"]
        demo_ids = [i for i in index.ids() if not i.startswith("syn-")]
        demo = [engine.store.get("vacancy", i) for i in demo_ids]
        vectors = np.stack([index.get_vector(i) for i in demo_ids])
        rng = np.random.default_rng(seed)
        have = engine.store.count("vacancy")
        # Numbered after the highest stored one: a benchmark's nights take some down, and
        # reusing their numbers would overwrite live ones instead of topping the store up.
        numbers = [int(i[4:]) for i in index.ids() if i.startswith("syn-")]
        next_number = max(numbers, default=-1) + 1
        with tqdm(total=max(0, vacancies - have), desc="synthetic vacancies") as progress:
            while have < vacancies:
                size = min(BATCH, vacancies - have)
                picks = rng.integers(0, len(demo), size)
                records = [
                    replace(demo[p], id=f"syn-{next_number + j:07d}") for j, p in enumerate(picks)
                ]
                next_number += size
                noisy = noisy_copies(vectors[picks], rng)
                engine.store.upsert("vacancy", records, noisy, noisy, engine.vectors_name)
                index.upsert([r.id for r in records], noisy, [r.attributes() for r in records])
                have += size
                progress.update(size)
        # The nightly batch: every jobseeker's snapshot, as production has it by morning.
        report = engine.batch_match(show_progress=True)
        print(
            f"batch-match: {report.matched} jobseekers ranked in {report.seconds:.1f} s "
            f"({report.per_second:.1f}/s), {report.skipped} already current"
        )
        return engine.counts(), engine.indexes["jobseeker"].ids()
    finally:
        engine.close()


def noisy_copies(vectors: Any, rng: Any) -> Any:
    """Unit vectors near ``vectors``: e5 cosines with the originals stay above 0.99."""
    import numpy as np

    noisy = vectors + rng.standard_normal(vectors.shape).astype(np.float32) * np.float32(NOISE)
    return noisy / np.linalg.norm(noisy, axis=1, keepdims=True)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _wait_healthy(url: str, server: subprocess.Popen[bytes], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"the server exited with code {server.returncode}")
        try:
            with urllib.request.urlopen(url + "/health", timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.5)
    raise SystemExit(f"the server did not answer within {timeout:.0f} s")


def _lua(paths: list[str], key: str) -> str:
    """A wrk script that cycles over ``paths`` with the API key set."""
    table = ",\n".join(json.dumps(p) for p in paths)
    return f"""
wrk.headers["X-API-Key"] = {json.dumps(key)}
local paths = {{
{table}
}}
local counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", paths[(counter % #paths) + 1])
end
"""


_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3}


def _ms(text: str) -> float:
    number, unit = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text).groups()  # type: ignore[union-attr]
    return float(number) * _UNITS[unit]


def parse_wrk(output: str) -> dict[str, float]:
    """Requests/s, latency percentiles (ms), and error counts from ``wrk --latency``."""
    result: dict[str, float] = {}
    for percent, value in re.findall(r"^\s+(50|75|90|99)\.?0*%\s+(\S+)\s*$", output, re.M):
        result[f"p{percent}_ms"] = _ms(value)
    for name in ("p50_ms", "p90_ms", "p99_ms"):
        result[name]  # KeyError: wrk printed no latency distribution
    result["requests_per_s"] = float(re.search(r"Requests/sec:\s+([\d.]+)", output)[1])  # type: ignore[index]
    result["requests"] = float(re.search(r"(\d+) requests in", output)[1])  # type: ignore[index]
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    result["non_2xx"] = float(non_2xx[1]) if non_2xx else 0.0
    sockets = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output
    )
    result["socket_errors"] = float(sum(map(int, sockets.groups()))) if sockets else 0.0
    return result


def run_wrk(base: str, paths: list[str], key: str, args: argparse.Namespace) -> dict[str, float]:
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        script.write(_lua(paths, key))
    try:
        command = [
            "wrk",
            f"-t{args.wrk_threads}",
            f"-c{args.connections}",
            f"-d{args.duration}s",
            "--timeout",
            "10s",
            "--latency",
            "-s",
            script.name,
            base,
        ]
        done = subprocess.run(command, capture_output=True, text=True, check=True)
    finally:
        os.unlink(script.name)
    try:
        return parse_wrk(done.stdout)
    except (TypeError, KeyError) as error:
        raise SystemExit(f"cannot read wrk's output ({error}):\n{done.stdout}") from error


def _line(label: str, result: dict[str, float], baseline: dict[str, float] | None) -> str:
    ratio = ""
    if baseline:
        ratio = (
            f"  {result['requests_per_s'] / baseline['requests_per_s']:.3f}x baseline req/s,"
            f" p99 {result['p99_ms'] / baseline['p99_ms']:.1f}x"
        )
    return (
        f"{label:28s} {result['requests_per_s']:8.1f} req/s  p50 {result['p50_ms']:7.2f} ms"
        f"  p90 {result['p90_ms']:7.2f} ms  p99 {result['p99_ms']:7.2f} ms"
        f"  errors {result['non_2xx'] + result['socket_errors']:.0f}{ratio}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--vacancies", type=int, default=100_000)
    parser.add_argument("--connections", type=int, default=20)
    parser.add_argument("--duration", type=int, default=30, help="seconds per wrk run")
    parser.add_argument("--wrk-threads", type=int, default=1)
    parser.add_argument("--workers", type=int, default=1, help="server processes")
    parser.add_argument("--k", type=int, default=10)
    parser.add_argument(
        "--jobseekers",
        type=int,
        default=None,
        help="cycle over the first N stored jobseekers (default: all of them)",
    )
    parser.add_argument("--data-dir", type=Path, default=None, help="build or reuse the store here")
    parser.add_argument("--json", type=Path, default=None, help="write the figures here")
    args = parser.parse_args()
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is not installed (bash scripts/test_services.sh installs it)")

    data_dir = args.data_dir or REPO / ".karyab-data" / f"load-{args.vacancies}"
    counts, jobseekers = build_store(data_dir, args.vacancies)
    jobseekers = jobseekers[: args.jobseekers]
    print(f"store: {counts['vacancy']} vacancies, {counts['jobseeker']} jobseekers in {data_dir}")

    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    env = {**os.environ, "KARYAB_RATE_LIMIT_PER_MINUTE": "100000000"}  # one key, many users
    server = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("karyab")),
            *("serve", "--no-demo", "--port", str(port), "--data-dir", str(data_dir)),
            *("--workers", str(args.workers)),
        ],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        _wait_healthy(base, server, timeout=600)
        key = (data_dir / "admin.key").read_text().strip()
        paths = [f"/v1/jobseekers/{j}/recommendations?k={args.k}" for j in jobseekers]
        print(
            f"wrk: {args.connections} connections, {args.duration} s, {len(paths)} jobseekers;"
            f" server: {args.workers} worker(s)"
        )
        baseline = run_wrk(base, [f"/v1/jobseekers/{j}" for j in jobseekers], key, args)
        print(_line("GET jobseeker (baseline)", baseline, None))
        result = run_wrk(base, paths, key, args)
        print(_line("GET recommendations", result, baseline))
    finally:
        server.terminate()
        server.wait(timeout=60)

    errors = result["non_2xx"] + result["socket_errors"]
    print(
        f"issue 6 target (p99 <= 150 ms, no errors): "
        f"{'met' if result['p99_ms'] <= 150 and errors == 0 else 'NOT met'}"
    )
    print(
        f"issue 8 target (>= 500 req/s, p99 <= 100 ms): "
        f"{'met' if result['requests_per_s'] >= 500 and result['p99_ms'] <= 100 else 'NOT met'}"
    )
    if args.json:
        payload: dict[str, Any] = {
            "vacancies": counts["vacancy"],
            "jobseekers": counts["jobseeker"],
            "jobseekers_cycled": len(jobseekers),
            "connections": args.connections,
            "workers": args.workers,
            "duration_s": args.duration,
            "baseline_get_jobseeker": baseline,
            "recommendations": result,
        }
        args.json.write_text(json.dumps(payload, indent=2))


if __name__ == "__main__":
    main()
