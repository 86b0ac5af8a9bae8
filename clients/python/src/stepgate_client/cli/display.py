"""What the CLI shows: a live progress line while waiting, then results as tables (or JSON)."""

from __future__ import annotations

import json
from dataclasses import asdict, is_dataclass
from typing import Any

from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from stepgate_client.models import Cancelled, JobStatus, Labels, Offers, User


class JobProgress:
    """`stepgate ... --wait`: spinner, job id, status, current step (from push's progress events), elapsed time."""

    def __init__(self, console: Console, job_id: str, status: str):
        self._spinner = SpinnerColumn()
        self._progress = Progress(self._spinner, TextColumn("{task.description}"), TimeElapsedColumn(),
                                  console=console, transient=False)
        # Until the first poll: the status the 202 reported, or "checking" for a job named by its id.
        self._task = self._progress.add_task(self._describe(job_id, status or "checking", None), total=None)
        self._step: str | None = None

    @staticmethod
    def _describe(job_id: str, status: str, step: str | None) -> str:
        return f"job [bold]{job_id}[/]  {status}" + (f"  step {step}" if step else "")

    def __enter__(self) -> "JobProgress":
        self._progress.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self._progress.stop()

    def update(self, status: JobStatus) -> None:
        # A poll (after push fell back) knows no step: the last one pushed still holds while the job runs.
        self._step = None if status.done else (status.current_step or self._step)
        # A finished task shows the spinner's finished_text and stops its clock.
        finished = {"total": 1, "completed": 1} if status.done else {}
        if status.done:
            self._spinner.finished_text = Text("✓", "green") if status.status == "SUCCEEDED" else Text("✗", "red")
        self._progress.update(self._task, description=self._describe(status.job_id, status.status, self._step),
                              **finished)


def plain(value: Any) -> Any:
    """A result as the JSON the API answered (the typed models keep it in `raw`)."""
    if hasattr(value, "raw") and value.raw:
        return value.raw
    return asdict(value) if is_dataclass(value) else value


def print_json(console: Console, value: Any) -> None:
    console.print_json(json.dumps(plain(value)))


def print_result(console: Console, value: Any) -> None:
    if isinstance(value, Offers):
        table = Table(title=f"{len(value.offers)} offers (until {value.expires_at})")
        for column in ("supplier", "rating", "size", "upgrade", "per day", "total"):
            table.add_column(column, justify="right" if column in {"rating", "per day", "total"} else "left")
        for offer in value.offers:
            table.add_row(offer.supplier, f"{offer.supplier_rating:g}", offer.car_size, offer.upgrade_class,
                          f"{offer.daily_price:,.2f} {offer.currency}", f"{offer.total_price:,.2f} {offer.currency}")
        console.print(table)
    elif isinstance(value, Labels):
        table = Table(title=f"{len(value.labels)} labels ({value.source})")
        table.add_column("label")
        table.add_column("confidence", justify="right")
        table.add_column("parents")
        for label in value.labels:
            table.add_row(label.name, f"{label.confidence:.1f}", ", ".join(label.parents))
        console.print(table)
    elif isinstance(value, (User, Cancelled, JobStatus)):
        print_fields(console, plain(value))
    else:
        print_json(console, value)


def print_fields(console: Console, document: dict) -> None:
    table = Table(show_header=False, box=None)
    table.add_column(style="bold")
    table.add_column()
    for name, value in document.items():
        table.add_row(name, value if isinstance(value, str) else json.dumps(value))
    console.print(table)
