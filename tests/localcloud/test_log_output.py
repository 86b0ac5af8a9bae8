"""The local cloud's log writer: every line, in one write per wake, without a wake per line."""

from __future__ import annotations

import io
import logging
import queue
import threading
import time

from localcloud.log_output import WRITE_EVERY_SECONDS, PeriodicWriter


class CountedStream(io.StringIO):
    def __init__(self):
        super().__init__()
        self.writes = 0

    def write(self, text: str) -> int:
        self.writes += 1
        return super().write(text)


def record(message: str, level: int = logging.INFO) -> logging.LogRecord:
    return logging.LogRecord("localcloud.test", level, __file__, 1, message, None, None)


def test_many_lines_logged_at_once_are_written_in_one_write():
    stream = CountedStream()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(name)s %(message)s"))
    records: queue.SimpleQueue = queue.SimpleQueue()
    writer = PeriodicWriter(records, [handler])
    writer.start()
    try:
        time.sleep(WRITE_EVERY_SECONDS / 2)  # the writer asleep between wakes, as it mostly is
        for index in range(100):
            records.put(record(f"line {index}"))
        deadline = time.monotonic() + 5
        while stream.getvalue().count("\n") < 100 and time.monotonic() < deadline:
            time.sleep(0.01)
    finally:
        writer.stop()
    assert stream.getvalue().splitlines() == [f"localcloud.test line {index}" for index in range(100)]
    assert stream.writes <= 2  # a listener woken per record wrote 100 times


def test_lines_from_many_threads_all_reach_the_stream_by_stop():
    stream = CountedStream()
    records: queue.SimpleQueue = queue.SimpleQueue()
    writer = PeriodicWriter(records, [logging.StreamHandler(stream)])
    writer.start()

    def log(thread: int) -> None:
        for index in range(50):
            records.put(record(f"{thread}:{index}"))

    threads = [threading.Thread(target=log, args=(thread,)) for thread in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    writer.stop()  # what is still queued is written before stop returns
    lines = stream.getvalue().splitlines()
    assert sorted(lines) == sorted(f"{thread}:{index}" for thread in range(8) for index in range(50))
    for thread in range(8):
        assert [line for line in lines if line.startswith(f"{thread}:")] == [f"{thread}:{index}" for index in range(50)]


def test_a_handler_gets_only_records_at_its_level_and_a_bad_record_spoils_no_other(monkeypatch):
    stream = CountedStream()
    handler = logging.StreamHandler(stream)
    handler.setLevel(logging.WARNING)
    reported = []
    monkeypatch.setattr(handler, "handleError", reported.append)
    records: queue.SimpleQueue = queue.SimpleQueue()
    bad = logging.LogRecord("localcloud.test", logging.ERROR, __file__, 1, "%d apples", ("many",), None)
    for queued in (record("quiet"), record("loud", logging.WARNING), bad, record("louder", logging.ERROR)):
        records.put(queued)
    writer = PeriodicWriter(records, [handler])
    writer.start()
    writer.stop()
    assert stream.getvalue().splitlines() == ["loud", "louder"]
    assert reported == [bad]
