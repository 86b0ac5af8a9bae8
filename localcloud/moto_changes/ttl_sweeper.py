"""DynamoDB TTL, locally: delete items whose TTL attribute is in the past.

AWS deletes expired items lazily (within days), so readers must also check the TTL
attribute themselves; this sweeper keeps the local tables from growing without bound.
A sweep scans every item of every table with TTL on, so it runs once a minute, not continually.
"""

from __future__ import annotations

import logging
import threading
import time
from typing import Any

log = logging.getLogger("localcloud.ttl")


class TtlSweeper:
    def __init__(self, dynamodb_client: Any, table_names: list[str], interval: float = 60.0):
        self._dynamodb = dynamodb_client
        self._table_names = table_names
        self._interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True, name="ttl-sweeper")

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(timeout=5)

    def _run(self) -> None:
        while not self._stop.wait(self._interval):
            try:
                self.sweep(time.time())
            except Exception:  # noqa: BLE001 - the sweeper must outlive a transient error
                log.debug("TTL sweep failed", exc_info=True)

    def sweep(self, now: float) -> int:
        deleted = 0
        for table in self._table_names:
            description = self._dynamodb.describe_time_to_live(TableName=table)["TimeToLiveDescription"]
            attribute = description.get("AttributeName")
            if description.get("TimeToLiveStatus") != "ENABLED" or not attribute:
                continue
            keys = [k["AttributeName"] for k in self._dynamodb.describe_table(TableName=table)["Table"]["KeySchema"]]
            paginator = self._dynamodb.get_paginator("scan")
            for page in paginator.paginate(
                TableName=table, FilterExpression="#ttl < :now",
                ExpressionAttributeNames={"#ttl": attribute},
                ExpressionAttributeValues={":now": {"N": str(int(now))}},
            ):
                for item in page["Items"]:
                    self._dynamodb.delete_item(TableName=table, Key={k: item[k] for k in keys})
                    deleted += 1
        if deleted:
            log.info("ttl sweep deleted %d expired item(s)", deleted)
        return deleted
