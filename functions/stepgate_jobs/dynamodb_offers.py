"""Reads stored search results from the offers table."""

from __future__ import annotations

import json

from stepgate_jobs.aws_clients import aws_client
from stepgate_jobs.offers import StoredOffers

class DynamoDBOffersStore:
    def __init__(self, table_name: str) -> None:
        self._table_name = table_name

    def get(self, job_id: str) -> StoredOffers | None:
        item = aws_client("dynamodb").get_item(TableName=self._table_name, Key={"jobId": {"S": job_id}}).get("Item")
        if not item:
            return None
        if "cancelledAt" in item:
            return StoredOffers(job_id=item["jobId"]["S"], offers=[], expires_at=0, cancelled_at=item["cancelledAt"]["S"])
        return StoredOffers(
            job_id=item["jobId"]["S"],
            offers=json.loads(item["offers"]["S"]),
            expires_at=int(item["expiresAt"]["N"]),
        )
