"""Benchmark the local cloud: start-up, accept latency (with and without Idempotency-Key), end-to-end
job latency, throughput, memory.

Synthesizes the cloud assembly first if its sources changed (and says whether it did), starts
`python -m localcloud run` on free loopback ports, drives it over HTTP, prints the figures, and
stops it. Every loop is bounded in count and time; all traffic stays on 127.0.0.1.

    .venv/bin/python bench/local_cloud.py [--sustain-seconds 60]
"""

from __future__ import annotations

import argparse
import io
import os
import platform
import signal
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta, timezone
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parents[1]
API_KEY = "bench-key"
TERMINAL = {"SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED"}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def iso_in(days: float) -> str:
    return (datetime.now(timezone.utc) + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%SZ")


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


def process_tree(pid: int) -> list[int]:
    """A process and its live descendants (the Lambda workers), from /proc."""
    found, pending = [], [pid]
    while pending:
        current = pending.pop()
        found.append(current)
        try:
            pending.extend(int(child) for child in Path(f"/proc/{current}/task/{current}/children").read_text().split())
        except OSError:
            continue
    return found


def _kib_field(path: str, name: str) -> int:
    try:
        return int(next(line.split()[1] for line in Path(path).read_text().splitlines() if line.startswith(name)))
    except (OSError, StopIteration):
        return 0  # the process is gone


def rss_kib(pid: int) -> int:
    """Resident memory of a process, from /proc (0 once it is gone); pages it shares count in full."""
    return _kib_field(f"/proc/{pid}/status", "VmRSS:")


def pss_kib(pid: int) -> int:
    """Proportional set size: its resident memory with each shared page split among the processes sharing it."""
    return _kib_field(f"/proc/{pid}/smaps_rollup", "Pss:")


def cpu_seconds(pid: int) -> float:
    """User + system CPU a process has used, from /proc (0 once it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def tree_rss_kib(pid: int) -> int:
    """Resident memory of a process and all its descendants (the Lambda workers)."""
    return sum(rss_kib(member) for member in process_tree(pid))


def tree_cpu_seconds(pid: int) -> float:
    """CPU of a process and its live descendants (workers that ended take theirs with them)."""
    return sum(cpu_seconds(member) for member in process_tree(pid))


class Bench:
    def __init__(self, base_url: str):
        self.base_url = base_url
        self.origin = base_url.rsplit("/", 1)[0]
        self.session_local = threading.local()

    @property
    def http(self) -> requests.Session:
        if not hasattr(self.session_local, "session"):
            self.session_local.session = requests.Session()
            self.session_local.session.headers["x-api-key"] = API_KEY
        return self.session_local.session

    def submit(self, path: str, body: dict, idempotency_key: str | None = None) -> requests.Response:
        headers = {"Idempotency-Key": idempotency_key} if idempotency_key else {}
        return self.http.post(self.base_url + path, json=body, headers=headers, timeout=30)

    def wait(self, status_url: str, timeout: float = 120) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            response = self.http.get(self.origin + status_url, allow_redirects=False, timeout=30)
            if response.status_code == 303:
                return "SUCCEEDED"
            status = response.json().get("status")
            if status in TERMINAL:
                return status
            time.sleep(0.05)
        return "TIMEOUT"

    def job_body(self, kind: str, index: int, image: dict | None = None) -> tuple[str, dict]:
        if kind == "search":
            return "/searches", {"location": "JFK", "pickupAt": iso_in(1), "dropoffAt": iso_in(3)}
        if kind == "user":
            return "/users", {"name": f"Bench User {index}", "email": f"bench.{time.time_ns()}.{index}@example.com"}
        return "/recognitions", {"image": image, "maxLabels": 5}

    def upload_image(self) -> dict:
        from PIL import Image

        buffer = io.BytesIO()
        Image.new("RGB", (320, 200), (240, 180, 20)).save(buffer, format="PNG")
        response = self.http.put(self.base_url + "/uploads/bench.png", data=buffer.getvalue(),
                                 headers={"Content-Type": "image/png"}, timeout=30)
        response.raise_for_status()
        return response.json()["image"]


def accept_latencies(bench: Bench, concurrency: int, count: int) -> tuple[list[float], list[str]]:
    """Accept latencies, and the status URLs of the jobs started (to drain before the next phase)."""
    def one(index: int) -> tuple[float, str]:
        started = time.perf_counter()
        response = bench.submit(*bench.job_body("user", index))
        elapsed = (time.perf_counter() - started) * 1000
        if response.status_code != 202:
            raise RuntimeError(f"accept failed: {response.status_code} {response.text}")
        return elapsed, response.json()["statusUrl"]

    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        results = list(pool.map(one, range(count)))
    return [latency for latency, _ in results], [url for _, url in results]


def keyed_accept_latencies(bench: Bench, count: int) -> tuple[list[float], list[float], list[str]]:
    """POSTs with a fresh Idempotency-Key each (claim + start), then each replayed (read the claim)."""
    def timed(path: str, body: dict, key: str, expect_replay: bool) -> tuple[float, str]:
        started = time.perf_counter()
        response = bench.submit(path, body, idempotency_key=key)
        elapsed = (time.perf_counter() - started) * 1000
        if response.status_code != 202 or ("Idempotent-Replayed" in response.headers) != expect_replay:
            raise RuntimeError(f"keyed accept failed: {response.status_code} {response.headers} {response.text}")
        return elapsed, response.json()["statusUrl"]

    requests_made = [(*bench.job_body("user", index), f"bench-{time.time_ns()}-{index}") for index in range(count)]
    firsts = [timed(path, body, key, expect_replay=False) for path, body, key in requests_made]
    replays = [timed(path, body, key, expect_replay=True)[0] for path, body, key in requests_made]
    return [latency for latency, _ in firsts], replays, [url for _, url in firsts]


def drain(bench: Bench, status_urls: list[str]) -> None:
    """Wait until the accepted jobs are done, so they do not slow the next measurement."""
    with ThreadPoolExecutor(max_workers=8) as pool:
        list(pool.map(lambda url: bench.wait(url, timeout=300), status_urls))


def job_latencies(bench: Bench, kind: str, count: int, image: dict | None) -> list[float]:
    def one(index: int) -> float:
        started = time.perf_counter()
        response = bench.submit(*bench.job_body(kind, index, image))
        status = bench.wait(response.json()["statusUrl"])
        if status != "SUCCEEDED":
            raise RuntimeError(f"{kind} job ended {status}")
        return (time.perf_counter() - started) * 1000

    with ThreadPoolExecutor(max_workers=4) as pool:
        return list(pool.map(one, range(count)))


def sustained_throughput(bench: Bench, seconds: float, concurrency: int) -> tuple[int, float]:
    deadline = time.monotonic() + seconds
    completed = [0] * concurrency

    def client(slot: int) -> None:
        index = 0
        while time.monotonic() < deadline:
            response = bench.submit(*bench.job_body("user", slot * 100000 + index))
            if bench.wait(response.json()["statusUrl"]) == "SUCCEEDED" and time.monotonic() <= deadline:
                completed[slot] += 1
            index += 1

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=concurrency) as pool:
        list(pool.map(client, range(concurrency)))
    return sum(completed), sum(completed) / (time.monotonic() - started)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sustain-seconds", type=float, default=60)
    parser.add_argument("--jobs-per-kind", type=int, default=20)
    args = parser.parse_args()

    # Synthesis (6-12 s) is not start-up: make the assembly current first and say whether that took a synth.
    sys.path.insert(0, str(ROOT))
    from localcloud.provisioning.assembly import context_from_environment, ensure_assembly, is_current

    outdir = Path(os.environ.get("STEPGATE_CDK_OUT") or ROOT / "cdk.out")
    context = context_from_environment()  # the same knobs `make run` reads, so the run below finds it current
    was_current = is_current(outdir, ROOT, context)
    synth_started = time.monotonic()
    assembly = ensure_assembly(outdir, ROOT, context)
    print("cloud assembly: current, not re-synthesized" if was_current else
          f"cloud assembly: sources changed, re-synthesized in {time.monotonic() - synth_started:.1f} s")

    api_port, aws_port = free_port(), free_port()
    env = {**os.environ, "PORT": str(api_port), "AWS_PORT": str(aws_port), "WS_PORT": str(free_port()), "STEPGATE_API_KEY": API_KEY,
           "STEPGATE_CDK_OUT": str(assembly.directory)}
    log = open(ROOT / ".localcloud-bench.log", "w")
    started = time.monotonic()
    process = subprocess.Popen([sys.executable, "-m", "localcloud", "run"], cwd=ROOT, env=env,
                               stdout=log, stderr=subprocess.STDOUT)
    peak_kib = {"rss": 0, "pss": 0, "pss_main": 0, "others": 0}
    sampling = threading.Event()

    def sample_memory() -> None:
        while not sampling.wait(0.25):
            peak_kib["rss"] = max(peak_kib["rss"], tree_rss_kib(process.pid))

    def note_pss() -> None:
        # Between phases only: reading PSS walks the cloud's page tables under the lock its thread starts need.
        members = process_tree(process.pid)
        by_member = [pss_kib(member) for member in members]
        if sum(by_member) > peak_kib["pss"]:
            peak_kib.update(pss=sum(by_member), pss_main=by_member[0], others=len(members) - 1)

    threading.Thread(target=sample_memory, daemon=True).start()
    stage = next(r["Properties"]["StageName"] for r in assembly.template["Resources"].values()
                 if r["Type"] == "AWS::ApiGateway::Stage")
    bench = Bench(f"http://127.0.0.1:{api_port}/{stage}")
    try:
        first_202 = None
        while time.monotonic() - started < 120 and process.poll() is None:
            try:
                if bench.submit(*bench.job_body("user", 0)).status_code == 202:
                    first_202 = time.monotonic() - started
                    break
            except requests.ConnectionError:
                pass
            time.sleep(0.05)
        if first_202 is None:
            print("the local cloud did not accept a job within 120 s; see .localcloud-bench.log")
            return 1

        print(f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")
        print(f"start to first 202 (assembly already current): {first_202:.2f} s")
        for concurrency, count in ((1, 100), (32, 640)):
            latencies, started_jobs = accept_latencies(bench, concurrency, count)
            print(f"accept latency at concurrency {concurrency:>2}: p50 {percentile(latencies, 50):.1f} ms, "
                  f"p99 {percentile(latencies, 99):.1f} ms ({count} requests)")
            note_pss()
            drain(bench, started_jobs)
        firsts, replays, started_jobs = keyed_accept_latencies(bench, 100)
        print(f"accept with Idempotency-Key, concurrency  1: p50 {percentile(firsts, 50):.1f} ms, "
              f"p99 {percentile(firsts, 99):.1f} ms; replay p50 {percentile(replays, 50):.1f} ms, "
              f"p99 {percentile(replays, 99):.1f} ms (100 keys)")
        drain(bench, started_jobs)
        image = bench.upload_image()
        for kind in ("search", "recognition", "user"):
            latencies = job_latencies(bench, kind, args.jobs_per_kind, image)
            print(f"end-to-end {kind:<11}: p50 {percentile(latencies, 50):.0f} ms, p99 {percentile(latencies, 99):.0f} ms "
                  f"({args.jobs_per_kind} jobs, submit to 303, polling every 50 ms)")
            note_pss()
        main_cpu, all_cpu = cpu_seconds(process.pid), tree_cpu_seconds(process.pid)
        total, rate = sustained_throughput(bench, args.sustain_seconds, concurrency=16)
        note_pss()
        print(f"sustained: {total} user jobs in {args.sustain_seconds:.0f} s = {rate:.1f} jobs/s (16 clients)")
        if total:
            main_ms = (cpu_seconds(process.pid) - main_cpu) / total * 1000
            print(f"CPU per user job while sustained: {main_ms:.0f} ms in the local cloud's process (one core's "
                  f"ceiling: {1000 / main_ms:.0f} jobs/s), {(tree_cpu_seconds(process.pid) - all_cpu) / total * 1000:.0f} ms "
                  "with its Lambda workers")
        print(f"peak memory (local cloud + Lambda workers): RSS {peak_kib['rss'] / 1024:.0f} MiB (each process's "
              f"shared pages counted in each); PSS {peak_kib['pss'] / 1024:.0f} MiB at the largest phase end "
              f"(shared pages split among them: the local cloud's process {peak_kib['pss_main'] / 1024:.0f}, "
              f"its {peak_kib['others']} other processes {(peak_kib['pss'] - peak_kib['pss_main']) / 1024:.0f})")
        return 0
    finally:
        sampling.set()
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
        log.close()


if __name__ == "__main__":
    sys.exit(main())
