"""`stepgate`: the command line over the SDK. Exit codes: cli/exit_codes.py (README, "Python SDK and CLI")."""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import click
from rich.console import Console

from stepgate_client import errors
from stepgate_client.bodies import OfferFilters
from stepgate_client.cli import exit_codes
from stepgate_client.cli.display import JobProgress, print_fields, print_json, print_result
from stepgate_client.client import Job, Stepgate

# The local cloud's defaults: `make run` serves here; the README runs it with STEPGATE_API_KEY=demo-key.
LOCAL_URL = "http://127.0.0.1:3000/v1"
LOCAL_API_KEY = "demo-key"


@dataclass
class Context:
    url: str
    api_key: str
    as_json: bool
    out: Console
    err: Console
    # None: the SDK's default (push unless STEPGATE_PUSH=0).
    push: bool | None = None

    def client(self) -> Stepgate:
        return Stepgate(self.url, self.api_key, push=self.push)


def handles_errors(command: Callable) -> Callable:
    """Every SDK error becomes one line on stderr and its exit code; `--json` is accepted after the command too."""
    @click.option("--json", "as_json", is_flag=True, help="Print JSON documents instead of tables.")
    @functools.wraps(command)
    def wrapper(ctx: Context, *args: Any, as_json: bool = False, **kwargs: Any) -> None:
        ctx.as_json = ctx.as_json or as_json
        try:
            command(ctx, *args, **kwargs)
        except errors.StepgateError as error:
            fail(ctx, exit_codes.one_line(error, ctx.url), exit_codes.exit_code_for(error))
        except (OSError, ValueError) as error:
            # What the user gave cannot be used (an image file that is not there, filters on a user job...).
            fail(ctx, str(error), exit_codes.INVALID_REQUEST)
    return click.pass_obj(wrapper)


def fail(ctx: Context, message: str, code: int) -> None:
    ctx.err.print(f"stepgate: {message}", markup=False, highlight=False, soft_wrap=True)
    sys.exit(code)


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.option("--url", envvar="STEPGATE_URL", default=LOCAL_URL, show_default=True,
              help="The API's base URL, stage included [env STEPGATE_URL].")
@click.option("--api-key", envvar="STEPGATE_API_KEY", default=LOCAL_API_KEY, show_default=True,
              help="The API key [env STEPGATE_API_KEY].")
@click.option("--json", "as_json", is_flag=True, help="Print JSON documents instead of tables.")
@click.option("--push/--no-push", default=None,
              help="Wait on the job's WebSocket events when the API offers them, else poll [default: push, unless "
                   "env STEPGATE_PUSH=0]. Push falls back to polling by itself.")
@click.version_option("0.1.0", prog_name="stepgate")
@click.pass_context
def cli(context: click.Context, url: str, api_key: str, as_json: bool, push: bool | None) -> None:
    """Submit Stepgate jobs, wait for them with live progress, read their results."""
    context.obj = Context(url.rstrip("/"), api_key, as_json, Console(), Console(stderr=True), push)


def wait_option(command: Callable) -> Callable:
    for option in (click.option("--timeout", type=float, default=None, help="Give up waiting after this many seconds."),
                   click.option("--idempotency-key", default=None,
                                help="Reuse a key so a retried submit answers the same job (default: a new UUID)."),
                   click.option("--wait", is_flag=True, help="Wait for the job and print its result.")):
        command = option(command)
    return command


def filter_options(command: Callable) -> Callable:
    for option in (click.option("--upgrade-class", default=None, help="Offers filter: upgrade class code."),
                   click.option("--min-rating", type=float, default=None, help="Offers filter: minimum rating.")):
        command = option(command)
    return command


def finish(ctx: Context, job: Job, wait: bool, timeout: float | None, filters: OfferFilters | None = None) -> None:
    """Without --wait: the accepted job. With it: progress on stderr, then the result on stdout."""
    if not wait:
        accepted = {"jobId": job.id, "status": job.submitted.status, "statusUrl": job.submitted.status_url}
        if job.replayed:
            accepted["replayed"] = True
        print_json(ctx.out, accepted) if ctx.as_json else print_fields(ctx.out, accepted)
        return
    show(ctx, wait_with_progress(ctx, job, timeout, filters))


def wait_with_progress(ctx: Context, job: Job, timeout: float | None, filters: OfferFilters | None) -> Any:
    try:
        if not ctx.err.is_terminal:
            return job.wait(timeout=timeout, filters=filters)
        with JobProgress(ctx.err, job.id, job.submitted.status) as progress:
            return job.wait(timeout=timeout, on_progress=progress.update, filters=filters)
    except KeyboardInterrupt:
        # Ctrl-C stops the waiting, not the job: say how to get back to it.
        fail(ctx, f"stopped waiting; job {job.id} goes on (stepgate watch {job.id}, stepgate cancel {job.id})",
             exit_codes.INTERRUPTED)


def show(ctx: Context, value: Any) -> None:
    print_json(ctx.out, value) if ctx.as_json else print_result(ctx.out, value)


@cli.command()
@click.option("--location", required=True, help="City, name or airport code (JFK, LHR, Paris...).")
@click.option("--pickup", required=True, help="Pick-up instant, ISO 8601 (2030-06-01T10:00Z).")
@click.option("--dropoff", required=True, help="Drop-off instant, ISO 8601.")
@click.option("--car-size", default=None, help="economy, compact, midsize, fullsize, suv, van or luxury.")
@click.option("--callback-url", default=None, help="Signed webhook on completion.")
@filter_options
@wait_option
@handles_errors
def search(ctx: Context, location, pickup, dropoff, car_size, callback_url, min_rating, upgrade_class, wait,
           idempotency_key, timeout) -> None:
    """Search car-rental offers."""
    with ctx.client() as client:
        job = client.submit_search(location, pickup, dropoff, car_size=car_size, callback_url=callback_url,
                                   idempotency_key=idempotency_key)
        finish(ctx, job, wait, timeout, OfferFilters(min_supplier_rating=min_rating, upgrade_class=upgrade_class))


@cli.command()
@click.argument("image")
@click.option("--max-labels", type=int, default=None)
@click.option("--min-confidence", type=float, default=None)
@click.option("--callback-url", default=None, help="Signed webhook on completion.")
@wait_option
@handles_errors
def recognize(ctx: Context, image, max_labels, min_confidence, callback_url, wait, idempotency_key, timeout) -> None:
    """Label an image: a local PNG/JPEG (uploaded first) or s3://bucket/key of an upload."""
    with ctx.client() as client:
        job = client.submit_recognition(image, max_labels=max_labels, min_confidence=min_confidence,
                                        callback_url=callback_url, idempotency_key=idempotency_key)
        finish(ctx, job, wait, timeout)


@cli.command()
@click.option("--name", required=True)
@click.option("--email", required=True)
@click.option("--callback-url", default=None, help="Signed webhook on completion.")
@wait_option
@handles_errors
def user(ctx: Context, name, email, callback_url, wait, idempotency_key, timeout) -> None:
    """Create a user."""
    with ctx.client() as client:
        job = client.create_user(name, email, callback_url=callback_url, idempotency_key=idempotency_key)
        finish(ctx, job, wait, timeout)


@cli.command()
@click.argument("job_id")
@handles_errors
def status(ctx: Context, job_id: str) -> None:
    """A job's status document (a failed job's error included)."""
    with ctx.client() as client:
        show(ctx, client.job(job_id).status())


@cli.command()
@click.argument("job_id")
@handles_errors
def cancel(ctx: Context, job_id: str) -> None:
    """Cancel a running job."""
    with ctx.client() as client:
        show(ctx, client.job(job_id).cancel())


@cli.command()
@click.argument("job_id")
@filter_options
@click.option("--car-size", default=None, help="Offers filter: car size.")
@handles_errors
def result(ctx: Context, job_id: str, min_rating, upgrade_class, car_size) -> None:
    """A finished job's result (offers, labels or user)."""
    with ctx.client() as client:
        filters = OfferFilters(car_size=car_size, min_supplier_rating=min_rating, upgrade_class=upgrade_class)
        show(ctx, client.job(job_id).result(filters))


@cli.command()
@click.argument("job_id")
@click.option("--timeout", type=float, default=None, help="Give up waiting after this many seconds.")
@handles_errors
def watch(ctx: Context, job_id: str, timeout: float | None) -> None:
    """Wait for a job with live progress, then print its result."""
    with ctx.client() as client:
        show(ctx, wait_with_progress(ctx, client.job(job_id), timeout, None))


def main() -> None:
    cli(prog_name="stepgate")
