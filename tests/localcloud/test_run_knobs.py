"""`make run`'s knobs (stage, supplier latency, API key) without editing cdk.json, and the banner's truth."""

import os
import subprocess
import sys
import time
from pathlib import Path

import boto3
import requests

from localcloud.provisioning.assembly import context_from_environment, source_hash
from localcloud.server import PLUMBING_SERVICES, SERVICE_NAMES, services_called
from tests.local_cloud_process import free_port, running_local_cloud

ROOT = Path(__file__).resolve().parents[2]
# `make synth` of the knobs' own assembly, before the timed start: 6-12 s idle, 125 s was seen at load 30.
# Only a synth that hangs outright reaches this.
SYNTH_CAP_SECONDS = 900


def _iam_action_prefixes(node) -> set[str]:
    if isinstance(node, dict):
        actions = node.get("Action", [])
        found = {a.split(":")[0] for a in (actions if isinstance(actions, list) else [actions]) if isinstance(a, str)}
        return found.union(*(_iam_action_prefixes(v) for v in node.values()))
    if isinstance(node, list):
        return set().union(*(_iam_action_prefixes(v) for v in node))
    return set()


def test_the_banner_names_every_service_the_stack_calls(assembly):
    # Every service the template grants calls to is named, or is AWS plumbing nothing calls locally
    prefixes = _iam_action_prefixes(assembly.template["Resources"])
    assert prefixes - PLUMBING_SERVICES <= set(SERVICE_NAMES), "a new service: name it in SERVICE_NAMES"
    named = services_called(assembly.template)
    assert {"Rekognition", "Secrets Manager", "Step Functions", "DynamoDB", "S3", "Lambda"} <= set(named)


def test_the_knobs_become_cdk_context_and_another_assembly():
    context = context_from_environment({"STEPGATE_STAGE": "dev", "SEARCH_LATENCY_MS": "0", "STATUS_CACHE_SECONDS": "5",
                                        "PATH": "/bin"})

    assert context == {"stageName": "dev", "searchLatencyMs": "0", "statusCacheSeconds": "5"}
    assert context_from_environment({"STEPGATE_STAGE": ""}) == {}
    assert source_hash(ROOT, context) != source_hash(ROOT) == source_hash(ROOT, {})


def test_make_run_takes_the_stage_the_supplier_latency_and_the_api_key_from_its_environment(tmp_path):
    # Given make run's environment asking for stage dev, no supplier latency and a chosen key (cdk.json: v1, 2000 ms)
    api_port, aws_port = free_port(), free_port()
    env = {**os.environ, "PORT": str(api_port), "AWS_PORT": str(aws_port), "WS_PORT": str(free_port()), "STEPGATE_CDK_OUT": str(tmp_path / "cdk.out"),
           "STEPGATE_STAGE": "dev", "SEARCH_LATENCY_MS": "0", "STEPGATE_API_KEY": "knob-key"}
    # It synthesizes its own assembly first (as `make synth` would), so the start is timed on its own
    synth = subprocess.run([sys.executable, "-m", "localcloud", "synth"], cwd=ROOT, env=env, capture_output=True,
                           text=True, timeout=SYNTH_CAP_SECONDS)
    assert synth.returncode == 0 and "cloud assembly ready" in synth.stdout, synth.stdout + synth.stderr
    with running_local_cloud(env, tmp_path / "run.log", start_timeout=150) as banner:
        assert "is current; not re-synthesizing" in (tmp_path / "run.log").read_text()
        base = f"http://127.0.0.1:{api_port}/dev"

        # When a search is submitted at /dev with that key and polled
        accepted = requests.post(f"{base}/searches", headers={"x-api-key": "knob-key"}, timeout=30,
                                 json={"location": "JFK", "pickupAt": "2030-01-01T10:00:00Z", "dropoffAt": "2030-01-03T10:00:00Z"})
        assert accepted.status_code == 202, accepted.text
        status_url = accepted.json()["statusUrl"]
        started = time.monotonic()
        while (status := requests.get(f"http://127.0.0.1:{api_port}{status_url}", headers={"x-api-key": "knob-key"},
                                      allow_redirects=False, timeout=30)).status_code == 200:
            assert status.json()["status"] == "RUNNING" and time.monotonic() - started < 30, status.text
            time.sleep(0.05)

        # Then the stage, the key and the latency are the environment's, and the banner says so
        assert status_url.startswith("/dev/jobs/") and status.status_code == 303
        assert status.headers["Location"].startswith("/dev/searches/")
        assert f"API          {base}" in banner and "API key      knob-key" in banner
        assert "stage dev, supplier latency 0 ms, status cache off" in banner
        assert "Rekognition" in banner and "Secrets Manager" in banner
        functions = boto3.client("lambda", endpoint_url=f"http://127.0.0.1:{aws_port}", region_name="us-east-1",
                                 aws_access_key_id="local", aws_secret_access_key="local")
        latencies = {f["Environment"]["Variables"]["SEARCH_LATENCY_MS"] for f in functions.list_functions()["Functions"]
                     if "SEARCH_LATENCY_MS" in f.get("Environment", {}).get("Variables", {})}
        assert latencies == {"0"}
        assert requests.post(f"http://127.0.0.1:{api_port}/v1/searches", headers={"x-api-key": "knob-key"},
                             json={}, timeout=30).status_code != 202  # no v1 stage served
