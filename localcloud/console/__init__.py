"""The local executions console at `/_console`: state machines, executions, graphs, histories, a job's logs."""

from localcloud.console.app import PREFIX, ConsoleApp, with_console
from localcloud.console.reader import ExecutionsReader

__all__ = ["PREFIX", "ConsoleApp", "ExecutionsReader", "with_console"]
