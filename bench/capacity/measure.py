"""Real executions on an in-process local cloud, metered per job kind and per client request.

For each kind: N jobs submitted at once and run to the end (deliveries included) = the job; then one status
GET and one result GET per job; then N jobs with a `callbackUrl` (a receiver on 127.0.0.1 answering 204).
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from bench.capacity.recorder import UsageRecorder
from bench.capacity.template_facts import TemplateFacts
from bench.capacity.usage import Usage
from bench.local_cloud import API_KEY, Bench, free_port

KINDS = ("search", "recognition", "user")


@dataclass
class KindMeasurement:
    job: Usage                 # per job, no callback, nobody subscribed
    status_request: Usage      # per GET /jobs/{jobId} of a finished job
    result_request: Usage      # per GET of its result URL
    with_callback: Usage       # per job submitted with a callbackUrl
    retry_after_seconds: float  # what the 202 asked the client to wait
    with_subscriber: Usage | None = None   # per job followed over the WebSocket API (when the stack has one)
    websocket_messages: float = 0.0        # frames sent and received per subscribed job


@dataclass
class Measurements:
    kinds: dict[str, KindMeasurement] = field(default_factory=dict)
    jobs_per_kind: int = 0


class _Receiver(BaseHTTPRequestHandler):
    def do_POST(self):  # noqa: N802 - http.server's name
        self.rfile.read(int(self.headers.get("content-length", 0)))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):  # quiet
        pass


def measure(assembly, facts: TemplateFacts, jobs_per_kind: int) -> Measurements:
    from localcloud.server import LocalCloud, LocalCloudSettings

    cloud = LocalCloud(assembly, LocalCloudSettings(api_port=free_port(), aws_port=free_port(), ws_port=free_port(),
                                                    api_key=API_KEY))
    receiver = ThreadingHTTPServer(("127.0.0.1", 0), _Receiver)
    threading.Thread(target=receiver.serve_forever, daemon=True).start()
    try:
        cloud.start()
        recorder = _recorder_for(cloud, facts)
        recorder.install()
        try:
            bench = Bench(cloud.api_base_url)
            image = bench.upload_image()
            callback_url = f"http://127.0.0.1:{receiver.server_address[1]}/hooks"
            result = Measurements(jobs_per_kind=jobs_per_kind)
            for kind in KINDS:  # warm workers first: steady-state figures, not cold starts
                for url in (None, callback_url):
                    _run_jobs(bench, recorder, kind, 1, image, url)
            for kind in KINDS:
                result.kinds[kind] = _measure_kind(bench, recorder, facts, kind, jobs_per_kind, image, callback_url)
            return result
        finally:
            recorder.uninstall()
    finally:
        receiver.shutdown()
        cloud.stop()


def _recorder_for(cloud, facts: TemplateFacts) -> UsageRecorder:
    stack = cloud.stack
    machines = {arn.rsplit(":", 1)[1]: logical for logical, arn in stack.state_machines.items()}
    functions = {spec.name: logical for logical, spec in stack.functions.items()}
    tables = {name: logical for logical, name in stack.tables.items()}
    logging = {logical: (m.log_level, m.include_execution_data, m.type) for logical, m in facts.machines.items()}
    return UsageRecorder(machines, functions, tables, logging)


def _measure_kind(bench: Bench, recorder: UsageRecorder, facts: TemplateFacts, kind: str, count: int, image: dict,
                  callback_url: str) -> KindMeasurement:
    accepted, seconds = _run_jobs(bench, recorder, kind, count, image)
    job = recorder.take(count, seconds).per_one()

    statuses = _each(accepted, lambda answer: bench.http.get(bench.origin + answer["statusUrl"],
                                                              allow_redirects=False, timeout=30))
    recorder.wait_until_quiet()
    status = recorder.take(count).per_one()
    _require_success(kind, statuses)

    _each(statuses, lambda answer: bench.http.get(bench.origin + answer.headers["Location"], timeout=30))
    recorder.wait_until_quiet()
    result = recorder.take(count).per_one()

    accepted, seconds = _run_jobs(bench, recorder, kind, count, image, callback_url)
    with_callback = recorder.take(count, seconds).per_one()
    _require_success(kind, _each(accepted, lambda answer: bench.http.get(
        bench.origin + answer["statusUrl"], allow_redirects=False, timeout=30)))
    measured = KindMeasurement(job, status, result, with_callback, accepted[0]["retryAfter"])
    if facts.has_websocket_api:
        frames: list[int] = []
        accepted, seconds = _run_jobs(bench, recorder, kind, count, image, subscribe=frames)
        measured.with_subscriber = recorder.take(count, seconds).per_one()
        measured.websocket_messages = sum(frames) / count
    return measured


def _require_success(kind: str, statuses: list) -> None:
    for status in statuses:
        if status.status_code != 303:  # a failed job would measure another path than the one priced
            raise RuntimeError(f"a {kind} job did not succeed: {status.status_code} {status.text}")


def _run_jobs(bench: Bench, recorder: UsageRecorder, kind: str, count: int, image: dict,
              callback_url: str | None = None, subscribe: list[int] | None = None) -> tuple[list[dict], float]:
    """Submits `count` jobs at once, waits until each ended and the cloud is quiet; job seconds summed.

    With `subscribe`, each job is followed over its `eventsUrl` until its terminal event, and the frames
    each connection carried (both ways) are appended to it.
    """
    recorder.wait_until_quiet()
    recorder.reset()

    def submit(index: int) -> dict:
        path, body = bench.job_body(kind, index, image)
        if callback_url:
            body["callbackUrl"] = callback_url
        started = time.monotonic()
        response = bench.submit(path, body)
        if response.status_code != 202:
            raise RuntimeError(f"{kind}: {response.status_code} {response.text}")
        answer = {**response.json(), "started": started, "retryAfter": float(response.headers["Retry-After"])}
        if subscribe is not None:
            subscribe.append(_follow_over_websocket(answer["eventsUrl"], answer["jobId"]))
        return answer

    accepted = _each(range(count), submit)
    recorder.wait_until_quiet(tuple(answer["jobId"] for answer in accepted))
    ended = recorder.finished_at()
    seconds = sum(ended[answer["jobId"]] - answer["started"] for answer in accepted)
    return accepted, seconds


def _follow_over_websocket(events_url: str, job_id: str, timeout: float = 120) -> int:
    """Subscribe to one job as a client does (D2) and read until its terminal event; frames both ways."""
    import json

    from websockets.sync.client import connect

    frames = 0
    with connect(events_url, additional_headers={"x-api-key": API_KEY}, open_timeout=30) as connection:
        connection.send(json.dumps({"action": "subscribe", "jobIds": [job_id]}))
        frames += 1
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            event = json.loads(connection.recv(timeout=deadline - time.monotonic()))
            frames += 1
            if event.get("type") in ("terminal", "error"):
                return frames
    raise TimeoutError(f"no terminal event for {job_id} over {events_url}")


def _each(items, call) -> list:
    with ThreadPoolExecutor(max_workers=8) as pool:
        return list(pool.map(call, items))


