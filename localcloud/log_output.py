"""The local cloud's output: one thread writes every line the others log.

Request, interpreter and Lambda-pool threads all log; on one stream handler they queued on its
lock, each wait a hand-over of the GIL. They put records on a queue instead, which never blocks.
"""

from __future__ import annotations

import logging
import logging.handlers
import queue

FORMAT = "%(asctime)s %(name)s %(message)s"
_listener: logging.handlers.QueueListener | None = None


def start(level: int = logging.INFO) -> None:
    """Log to stderr at `level` through a queue and its writer thread."""
    global _listener
    logging.basicConfig(level=level, format=FORMAT, datefmt="%H:%M:%S")
    root = logging.getLogger()
    records: queue.SimpleQueue = queue.SimpleQueue()
    _listener = logging.handlers.QueueListener(records, *root.handlers, respect_handler_level=True)
    root.handlers = [logging.handlers.QueueHandler(records)]
    _listener.start()


def stop() -> None:
    """Write what is queued, then stop the writer."""
    global _listener
    if _listener is not None:
        _listener.stop()
        _listener = None
