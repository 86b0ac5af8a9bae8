"""The console's HTTP side: its page and scripts, the pinned npm libraries it draws with, and its JSON.

Served under `/_console` beside the API (`with_console`); a job id leads straight to its execution
(`/_console/jobs/<jobId>`). JSON errors are problem documents naming the offending parameter.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError
from werkzeug.exceptions import HTTPException, NotFound as RouteNotFound
from werkzeug.routing import Map, Rule
from werkzeug.wrappers import Request, Response

from localcloud.console.reader import STATUSES, ExecutionsReader, NotFound
from localcloud.lambda_runtime.invocation_log import JOB_ID

PREFIX = "/_console"
STATIC = Path(__file__).with_name("static")
# The drawing libraries, pinned in package.json/package-lock.json and served from node_modules (no CDN).
VENDOR = {
    "cytoscape.min.js": Path("node_modules/cytoscape/dist/cytoscape.min.js"),
    "cytoscape-dagre.min.js": Path("node_modules/cytoscape-dagre/dist/cytoscape-dagre.min.js"),
}
CONTENT_TYPES = {".js": "text/javascript", ".css": "text/css", ".html": "text/html"}
LOG_TAIL_BYTES = 256 * 1024


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):  # the 303 itself is the status document
        return None


@dataclass
class ConsoleApp:
    reader: ExecutionsReader
    jobs_state_machine_arn: str
    api_base_url: str  # the stage's URL: the status document is what GET /jobs/{jobId} answers
    api_key: str
    logs_dir: Path
    project_root: Path

    def __post_init__(self) -> None:
        # `/_console/v1/jobs/<jobId>` too: a status URL's path with /_console in front
        page = [f"{PREFIX}", f"{PREFIX}/", f"{PREFIX}/jobs/<job_id>", f"{PREFIX}/<stage>/jobs/<job_id>",
                f"{PREFIX}/executions/<path:arn>"]
        self._routes = Map([Rule(path, endpoint="page") for path in page] + [
            Rule(f"{PREFIX}/static/<name>", endpoint="static"),
            Rule(f"{PREFIX}/vendor/<name>", endpoint="vendor"),
            Rule(f"{PREFIX}/api/state-machines", endpoint="state_machines"),
            Rule(f"{PREFIX}/api/executions", endpoint="executions"),
            Rule(f"{PREFIX}/api/execution", endpoint="execution"),
            Rule(f"{PREFIX}/api/jobs/<job_id>", endpoint="job"),
        ], strict_slashes=False)
        self._opener = urllib.request.build_opener(_NoRedirects)

    def __call__(self, environ, start_response):
        request = Request(environ)
        try:
            endpoint, arguments = self._routes.bind_to_environ(environ).match(method=request.method)
            response = getattr(self, f"_{endpoint}")(request, **arguments)
        except NotFound as missing:
            response = _problem(404, "not-found", str(missing))
        except HTTPException as error:
            response = _problem(error.code or 500, "not-found" if error.code == 404 else "bad-request", error.description)
        except ClientError as refused:  # e.g. throttled by LOCALCLOUD_AWS_QUOTAS: say what Step Functions answered
            error = refused.response.get("Error", {})
            response = _problem(502, "integration-failure",
                                f"Step Functions answered {error.get('Code')}: {error.get('Message')}")
        except BotoCoreError as unreachable:
            response = _problem(502, "integration-failure", f"the local AWS endpoint did not answer: {unreachable}")
        return response(environ, start_response)

    def _page(self, request: Request, **_) -> Response:
        return _file(STATIC / "index.html")

    def _static(self, request: Request, name: str) -> Response:
        files = {path.name: path for path in STATIC.iterdir()}
        if name not in files:
            raise RouteNotFound()
        return _file(files[name])

    def _vendor(self, request: Request, name: str) -> Response:
        if name not in VENDOR:
            raise RouteNotFound()
        path = self.project_root / VENDOR[name]
        if not path.is_file():
            return Response(f"{VENDOR[name]} is missing: `npm ci` installs it (make run and make test do)\n",
                            status=503, mimetype="text/plain")
        return _file(path)

    def _state_machines(self, request: Request) -> Response:
        return _json({"stateMachines": self.reader.state_machines(), "jobsStateMachineArn": self.jobs_state_machine_arn})

    def _executions(self, request: Request) -> Response:
        arn = request.args.get("stateMachineArn") or self.jobs_state_machine_arn
        status = request.args.get("status") or None
        if status is not None and status not in STATUSES:
            return _problem(400, "validation-error", f"status: must be one of {', '.join(STATUSES)}", "status")
        limit = request.args.get("limit", "100")
        if not limit.isdigit() or not 1 <= int(limit) <= 1000:
            return _problem(400, "validation-error", "limit: must be an integer from 1 to 1000", "limit")
        return _json({"executions": self.reader.executions(arn, status, int(limit))})

    def _execution(self, request: Request) -> Response:
        arn = request.args.get("arn", "")
        if ":execution:" not in arn:
            return _problem(400, "validation-error", "arn: must be an execution ARN", "arn")
        page = self.reader.execution(arn)
        if page["execution"]["stateMachineArn"] == self.jobs_state_machine_arn:
            page["job"] = self._job_details(page["execution"]["name"])
        return _json(page)

    def _job(self, request: Request, job_id: str) -> Response:
        if not JOB_ID.fullmatch(job_id):
            raise NotFound(f"no job {job_id!r}: a job id is 1 to 80 letters, digits, '-' or '_'")
        arn = self.jobs_state_machine_arn.replace(":stateMachine:", ":execution:") + f":{job_id}"
        try:
            page = self.reader.execution(arn)
        except NotFound:
            raise NotFound(f"no job {job_id} in {self.jobs_state_machine_arn}") from None
        page["job"] = self._job_details(job_id)
        return _json(page)

    def _job_details(self, job_id: str) -> dict[str, Any]:
        return {"jobId": job_id, "statusDocument": self._status_document(job_id), "logs": self._logs(job_id)}

    def _status_document(self, job_id: str) -> dict[str, Any]:
        request = urllib.request.Request(f"{self.api_base_url}/jobs/{job_id}", headers={"x-api-key": self.api_key})
        try:
            response = self._opener.open(request, timeout=10)
        except urllib.error.HTTPError as answered:  # 303, 404, 429: still the answer
            response = answered
        except OSError as unreachable:
            return {"error": f"GET /jobs/{job_id} failed: {unreachable}"}
        with response:
            body = response.read().decode("utf-8", "replace")
        return {"request": f"GET {self.api_base_url}/jobs/{job_id}", "httpStatus": response.status,
                "headers": {name: response.headers[name] for name in ("Content-Type", "Location", "Retry-After")
                            if response.headers.get(name)},
                "body": body}

    def _logs(self, job_id: str) -> dict[str, Any]:
        path = self.logs_dir / f"{job_id}.log"
        if not path.is_file():
            return {"file": str(path), "text": ""}
        with open(path, "rb") as logs:
            size = logs.seek(0, 2)
            logs.seek(max(0, size - LOG_TAIL_BYTES))
            return {"file": str(path), "text": logs.read().decode("utf-8", "replace"), "truncated": size > LOG_TAIL_BYTES}


def with_console(app, console: ConsoleApp):
    """`app` (the API gateway) for every path but `/_console...`."""
    def dispatch(environ, start_response):
        path = environ.get("PATH_INFO", "")
        return (console if path == PREFIX or path.startswith(PREFIX + "/") else app)(environ, start_response)
    return dispatch


def _file(path: Path) -> Response:
    return Response(path.read_bytes(), mimetype=CONTENT_TYPES.get(path.suffix, "application/octet-stream"),
                    headers={"Cache-Control": "no-cache"})


def _json(document: dict[str, Any]) -> Response:
    return Response(json.dumps(document), mimetype="application/json", headers={"Cache-Control": "no-store"})


def _problem(status: int, slug: str, detail: str, field: str | None = None) -> Response:
    body = {"type": f"urn:stepgate:problem:{slug}", "title": slug.replace("-", " ").capitalize(), "status": status,
            "detail": detail, **({"field": field} if field else {})}
    return Response(json.dumps(body), status=status, mimetype="application/problem+json")
