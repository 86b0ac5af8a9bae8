"""The local cloud: the synthesized stack served on localhost with no AWS account and no Docker.

- an AWS-compatible endpoint (moto server, Step Functions interpreter on): every service moto
  serves, among them those the stack calls (the banner lists them, from the template's IAM policies);
- the template's resources provisioned into it;
- Lambda handlers running as real code in warm worker processes;
- the REST API served from the template's OpenAPI body by the local gateway;
- the WebSocket API served from the template's ApiGatewayV2 resources on WS_PORT (localcloud/websocket).
"""

from __future__ import annotations

import json
import logging
import os
import secrets
import socket
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import boto3
from botocore.config import Config
from werkzeug.serving import make_server

from localcloud import aws_in_process
from localcloud.console import PREFIX as CONSOLE_PREFIX, ConsoleApp, ExecutionsReader, with_console
from localcloud.moto_changes.stepfunctions.execution_log import ExecutionLog, labels_for
from localcloud.lambda_runtime import InvocationLog, WorkerPoolRuntime
from localcloud.provisioning import PROJECT_ROOT, Assembly, ProvisionedStack, Provisioner
from localcloud.moto_changes import install_local_behaviour
from localcloud.moto_changes.stepfunctions.faults import configure_job_faults, unconfigure_job_faults
from localcloud.moto_changes.stepfunctions.mock_config import register_state_machines
from localcloud.moto_changes.stepfunctions.parsed_programs import keep_on_disk
from localcloud.moto_changes.stepfunctions.timing import scale_from_environment
from localcloud.moto_changes.ttl_sweeper import TtlSweeper
from localcloud.persistence import ENVIRONMENT_VARIABLE as STATE_VARIABLE, LocalState, state_from_environment
from localcloud.persistence.interrupted_jobs import InterruptedJobsDelivery

if TYPE_CHECKING:
    from localcloud.websocket import WebSocketGateway

log = logging.getLogger("localcloud")

REGION = "us-east-1"
ACCOUNT_ID = "123456789012"
LOGS_DIR = PROJECT_ROOT / ".localcloud" / "logs"
PARSED_PROGRAMS_DIR = PROJECT_ROOT / ".localcloud" / "cache" / "asl"
# The services the stack's IAM policies grant calls to, as the banner names them (moto serves them all).
SERVICE_NAMES = {"states": "Step Functions", "dynamodb": "DynamoDB", "s3": "S3", "lambda": "Lambda",
                 "rekognition": "Rekognition", "secretsmanager": "Secrets Manager",
                 "execute-api": "API Gateway @connections"}
# Granted for AWS's own plumbing, which nothing exercises locally: role trust, log delivery, tracing.
PLUMBING_SERVICES = {"sts", "logs", "xray"}


@dataclass
class LocalCloudSettings:
    api_port: int = 3000
    aws_port: int = 4566
    ws_port: int = 3001
    host: str = "127.0.0.1"
    api_key: str | None = None
    wait_time_scale: float = 1.0
    max_workers_per_function: int = 8
    worker_idle_seconds: float = 60.0
    # LOCALCLOUD_WARM_WORKERS=on: a worker per function ahead of its first event; off, a function nobody calls costs no memory.
    warm_workers: bool = False
    # LOCALCLOUD_WEBSOCKET=off: eventsUrl is still offered but nothing listens, so clients' push fallbacks can be tried.
    websocket: bool = True

    @classmethod
    def from_environment(cls) -> "LocalCloudSettings":
        return cls(
            api_port=int(os.environ.get("PORT", "3000")),
            aws_port=int(os.environ.get("AWS_PORT", "4566")),
            ws_port=int(os.environ.get("WS_PORT", "3001")),
            api_key=os.environ.get("STEPGATE_API_KEY") or None,
            wait_time_scale=scale_from_environment(),
            max_workers_per_function=int(os.environ.get("LOCALCLOUD_MAX_WORKERS", "8")),
            worker_idle_seconds=float(os.environ.get("LOCALCLOUD_WORKER_IDLE_SECONDS", "60")),
            warm_workers=_switch("LOCALCLOUD_WARM_WORKERS", default=False),
            websocket=_switch("LOCALCLOUD_WEBSOCKET", default=True),
        )


def _switch(variable: str, default: bool) -> bool:
    """An on/off environment variable; unset or a word it does not know leaves the default."""
    word = os.environ.get(variable, "").strip().lower()
    if word in {"on", "1", "true", "yes"}:
        return True
    if word in {"off", "0", "false", "no"}:
        return False
    return default


@dataclass
class LocalCloud:
    assembly: Assembly
    settings: LocalCloudSettings
    api_key: str = ""
    stack: ProvisionedStack | None = None
    websocket: "WebSocketGateway | None" = None
    state: LocalState | None = None
    state_summary: str = ""
    faults_summary: str = ""
    _servers: list = field(default_factory=list)
    _clients: dict = field(default_factory=dict)
    _stoppables: list = field(default_factory=list)

    @property
    def aws_endpoint(self) -> str:
        return f"http://{self.settings.host}:{self.settings.aws_port}"

    @property
    def websocket_endpoint(self) -> str:
        return f"ws://{self.settings.host}:{self.settings.ws_port}"

    @property
    def api_base_url(self) -> str:
        return f"http://{self.settings.host}:{self.settings.api_port}/{self.stack.stage_name}"

    def client(self, service: str):
        # One per service: provisioning asks 25 times, and each new client cost ~10 ms of the start.
        if service not in self._clients:
            self._clients[service] = aws_in_process.attach(boto3.client(
                service, endpoint_url=self.aws_endpoint, region_name=REGION,
                aws_access_key_id="local", aws_secret_access_key="local",
                config=Config(retries={"max_attempts": 2}),
            ))
        return self._clients[service]

    def start(self) -> None:
        _ensure_free(self.settings.host, self.settings.api_port, "PORT")
        _ensure_free(self.settings.host, self.settings.aws_port, "AWS_PORT")
        _ensure_free(self.settings.host, self.settings.ws_port, "WS_PORT")
        self.state = state_from_environment(PROJECT_ROOT)
        if self.state is not None:
            self.state.open()  # its lock first: a second cloud on the same directory stops here
            self._stoppables.append(self.state.directory.release)
        # Checked before anything listens: an unservable template fails here, not at request time.
        from localcloud.apigateway import build_gateway

        # moto's interpreter calls Lambda/DynamoDB tasks back on localhost:$MOTO_PORT.
        os.environ["MOTO_PORT"] = str(self.settings.aws_port)
        install_local_behaviour(self.settings.wait_time_scale)
        keep_on_disk(PARSED_PROGRAMS_DIR)  # the next start reads the stack's parsed definitions instead of parsing them
        self._stoppables.append(lambda: keep_on_disk(None))

        from moto.moto_server.werkzeug_app import DomainDispatcherApplication, MotoRequestHandler
        from localcloud.moto_changes.lambda_hook import install
        from localcloud.moto_changes.request_dispatch import backend_app

        aws_app = DomainDispatcherApplication(backend_app)
        aws_server = make_server(self.settings.host, self.settings.aws_port, aws_app, threaded=True,
                                 request_handler=MotoRequestHandler)
        threading.Thread(target=aws_server.serve_forever, daemon=True, name="aws-endpoint").start()
        self._stoppables.append(aws_server.shutdown)
        self._stoppables.append(aws_in_process.serve_in_process(self.settings.host, self.settings.aws_port, aws_app))
        self._configure_moto()

        runtime = WorkerPoolRuntime(self.aws_endpoint, self.settings.max_workers_per_function,
                                    on_invocation=InvocationLog(LOGS_DIR, PROJECT_ROOT),
                                    idle_seconds=self.settings.worker_idle_seconds)
        hook = install(runtime)
        self._stoppables.append(runtime.close)

        self.stack = Provisioner(self.assembly, self.client, REGION, ACCOUNT_ID,
                                 websocket_endpoint=self.websocket_endpoint).provision()
        for spec in self.stack.functions.values():
            hook.register(spec)
        register_state_machines(self.stack.state_machines)
        self._configure_faults()
        if self.state is not None:
            self.state_summary = self.state.restore(self.client, ACCOUNT_ID, REGION)
            self.state.start()

        if self.stack.rest_api_body is None:
            raise RuntimeError("the template has no REST API to serve")
        self.api_key = self.settings.api_key or (self.state.api_key() if self.state else secrets.token_urlsafe(24))
        gateway = build_gateway(
            self.stack.rest_api_body, aws_endpoint_url=self.aws_endpoint, api_keys={self.api_key},
            stage=self.stack.stage_name, region=REGION, account_id=ACCOUNT_ID,
            stage_properties=self.stack.stage_properties,
        )
        api_server = make_server(self.settings.host, self.settings.api_port, with_console(gateway, self._console()),
                                 threaded=True)
        threading.Thread(target=api_server.serve_forever, daemon=True, name="gateway").start()
        self._stoppables.append(api_server.shutdown)

        self._start_websocket()
        if self.settings.warm_workers:  # after the servers listen, one process at a time: accepting a job needs no Lambda
            runtime.warm(list(self.stack.functions.values()))

        sweeper = TtlSweeper(self.client("dynamodb"), list(self.stack.tables.values()))
        sweeper.start()
        self._stoppables.append(sweeper.stop)
        execution_log = ExecutionLog(labels_for(self.stack.state_machines, jobs_arn=self.stack.state_machine_arn()))
        execution_log.start()
        self._stoppables.append(execution_log.stop)
        if self.state is not None:
            self._stoppables.append(self.state.stop)  # stopped first: its last save sees everything still up
            self._redo_unfinished_express_runs()
            self._deliver_interrupted_jobs()

    def _redo_unfinished_express_runs(self) -> None:
        """Asynchronous Express runs (Delivery) cut short by the stop start again from their input."""
        stepfunctions = self.client("stepfunctions")
        for record in self.state.unfinished_express:
            try:
                stepfunctions.start_execution(stateMachineArn=record["stateMachineArn"], name=record["name"],
                                              input=record["input"])
            except Exception:  # noqa: BLE001 - one run that cannot start again never stops the cloud
                log.warning("%s could not be started again", record["name"], exc_info=True)

    def _deliver_interrupted_jobs(self) -> None:
        """Jobs the restore ended as interrupted tell their callback receivers, as every ended job does (D1)."""
        jobs_arn = self.stack.state_machine_arn()
        records = [record for record in self.state.interrupted if record["stateMachineArn"] == jobs_arn]
        if not records:
            return
        try:
            delivery_arn = self.stack.state_machine_arn("DeliveryStateMachine")
            describe_failure = self.stack.function("describe_failure").name
            ttl = int(self.stack.function("search_worker").environment["RESULT_TTL_SECONDS"])
        except (KeyError, ValueError):
            log.info("the stack has no Delivery workflow: interrupted jobs are not delivered")
            return
        InterruptedJobsDelivery(self.client("lambda"), self.client("stepfunctions"), describe_failure,
                                delivery_arn, ttl).start(records)

    def _configure_faults(self) -> None:
        jobs_arn = self.stack.state_machine_arn()
        jobs_name = jobs_arn.rsplit(":", 1)[1]
        definition = self.client("stepfunctions").describe_state_machine(stateMachineArn=jobs_arn)["definition"]
        self._stoppables.append(lambda: unconfigure_job_faults(jobs_name))
        try:
            self.faults_summary = configure_job_faults(jobs_name, definition, dict(os.environ))
        except ValueError as exc:  # a bad spec, mock file or test case stops start-up, not a job
            raise RuntimeError(str(exc)) from None

    def _start_websocket(self) -> None:
        """The template's WebSocket API, if it has one, on WS_PORT with the real protocol."""
        from localcloud.websocket import WebSocketGateway, compile_websocket_api

        if len(self.stack.websocket_apis) > 1:
            raise RuntimeError("the local cloud serves one WebSocket API per template")
        if not self.settings.websocket:
            return
        for resources in self.stack.websocket_apis.values():
            self.websocket = WebSocketGateway(
                compile_websocket_api(resources), api_keys={self.api_key}, aws_endpoint=self.aws_endpoint,
                region=REGION, account_id=ACCOUNT_ID, host=self.settings.host, port=self.settings.ws_port)
            self.websocket.start()
            self._stoppables.append(self.websocket.stop)

    def _console(self) -> ConsoleApp:
        return ConsoleApp(ExecutionsReader(self.client("stepfunctions")), self.stack.state_machine_arn(),
                          self.api_base_url, self.api_key, LOGS_DIR, PROJECT_ROOT)

    @property
    def console_url(self) -> str:
        return f"http://{self.settings.host}:{self.settings.api_port}{CONSOLE_PREFIX}"

    def _configure_moto(self) -> None:
        request = urllib.request.Request(
            f"{self.aws_endpoint}/moto-api/config", method="POST",
            # Not lambda.use_docker=False: that swaps in an echo backend that never calls the hook.
            data=json.dumps({"stepfunctions": {"execute_state_machine": True}}).encode(),
            headers={"Content-Type": "application/json"},
        )
        urllib.request.urlopen(request, timeout=10).read()

    def stop(self) -> None:
        for stop in reversed(self._stoppables):
            started = time.monotonic()
            try:
                stop()
            except Exception:  # noqa: BLE001 - keep stopping the rest
                log.debug("error while stopping", exc_info=True)
            if (took := time.monotonic() - started) > 2:  # a slow stop names its part: Ctrl-C should be quick
                log.info("stopping %s took %.1f s", getattr(stop, "__qualname__", stop), took)
        self._stoppables.clear()

    def _search_latency_ms(self) -> str:
        return next((spec.environment["SEARCH_LATENCY_MS"] for spec in self.stack.functions.values()
                     if "SEARCH_LATENCY_MS" in spec.environment), "-")

    def _status_cache(self) -> str:
        ttl = next((s.get("CacheTtlInSeconds") for s in self.stack.stage_properties.get("MethodSettings", [])
                    if s.get("CachingEnabled")), None)
        return f"{ttl} s" if self.stack.stage_properties.get("CacheClusterEnabled") and ttl else "off"

    def banner(self) -> str:
        jobs_arn = self.stack.state_machine_arn()
        return "\n".join([
            "",
            "Stepgate local cloud is up.",
            f"  API          {self.api_base_url}",
            f"  AWS endpoint {self.aws_endpoint}  ({', '.join(services_called(self.assembly.template))})",
            f"  API key      {self.api_key}",
            *([f"  Events       {self.websocket.url}  (WebSocket: x-api-key header, then "
               '{"action":"subscribe","jobIds":[...]}; WS_PORT)'] if self.websocket else []),
            *([f"  Events       off (LOCALCLOUD_WEBSOCKET=off: eventsUrl still says {self.websocket_endpoint}, "
               "where nothing listens; clients poll)"] if self.stack.websocket_apis and not self.websocket else []),
            f"  Console      {self.console_url}  (a job: {self.console_url}/jobs/<jobId>)",
            f"  Knobs        stage {self.stack.stage_name}, supplier latency {self._search_latency_ms()} ms, "
            f"status cache {self._status_cache()}"
            "  (STEPGATE_STAGE, SEARCH_LATENCY_MS, STATUS_CACHE_SECONDS, STEPGATE_API_KEY: see make help)",
            f"  State        {self.state_summary or f'not kept across restarts (set {STATE_VARIABLE}=.localcloud/state to keep it)'}",
            f"  Faults       {self.faults_summary or 'none (LOCALCLOUD_FAULTS=<State>:<rate>, LOCALCLOUD_JOBS_TEST_CASE)'}",
            f"  Jobs state machine {jobs_arn}",
            "",
            "Try it:",
            f"  curl -si -X POST {self.api_base_url}/searches \\",
            f"    -H 'x-api-key: {self.api_key}' -H 'content-type: application/json' \\",
            "    -d '{\"location\":\"JFK\",\"pickupAt\":\"" + _iso_in(days=1) + "\",\"dropoffAt\":\"" + _iso_in(days=3) + "\"}'",
            f"  curl -si {self.api_base_url}/jobs/<jobId> -H 'x-api-key: {self.api_key}'   # 200 RUNNING, then 303",
            f"  curl -sL {self.api_base_url}/jobs/<jobId> -H 'x-api-key: {self.api_key}'   # follows the 303 to the offers",
            "",
            "Watch executions:",
            f"  aws --endpoint-url {self.aws_endpoint} stepfunctions list-executions --state-machine-arn {jobs_arn}",
            "",
        ])


def services_called(template: dict) -> list[str]:
    """The AWS services the stack calls, from the action prefixes its IAM policies grant."""
    prefixes: set[str] = set()

    def collect(node) -> None:
        if isinstance(node, dict):
            actions = node.get("Action", [])
            prefixes.update(a.split(":")[0] for a in (actions if isinstance(actions, list) else [actions])
                            if isinstance(a, str))
            for value in node.values():
                collect(value)
        elif isinstance(node, list):
            for value in node:
                collect(value)

    collect(template.get("Resources", {}))
    return [name for prefix, name in SERVICE_NAMES.items() if prefix in prefixes]


def _ensure_free(host: str, port: int, variable: str) -> None:
    """moto's threaded server hangs on a busy port; say so instead, with the way out."""
    with socket.socket() as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError:
            raise OSError(f"{host}:{port} is already in use; set {variable} to another port") from None


def _iso_in(days: int) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(time.time() + days * 86400))
