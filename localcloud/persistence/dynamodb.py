"""DynamoDB tables: every item, and each table's key schema so a table the stack lacks is re-created.

Saved from moto's backend (no API call: saving must not spend the API quotas a test imposes);
restored through the DynamoDB API, as a client would write the items back.
"""

from __future__ import annotations

import base64
from typing import Any

from moto.dynamodb.models import dynamodb_backends

from localcloud.persistence.files import StateDirectory

FOLDER = "dynamodb"
_BATCH = 25  # BatchWriteItem's limit


class DynamoDBState:
    def __init__(self, state: StateDirectory, account_id: str, region: str):
        self._state, self._account_id, self._region = state, account_id, region

    def _backend(self):
        return dynamodb_backends[self._account_id][self._region]

    def save(self) -> None:
        tables = dict(self._backend().tables)
        for name, table in tables.items():
            self._state.write_json(f"{FOLDER}/{name}.json", {
                "table": name,
                "keySchema": table.schema,
                "attributeDefinitions": table.attr,
                "globalSecondaryIndexes": [{"IndexName": i.name, "KeySchema": i.schema, "Projection": i.projection}
                                           for i in table.global_indexes],
                "items": [_portable(item.to_json()["Attributes"]) for item in _items_of(table)],
            })
        for relative in self._state.files(FOLDER):
            if relative[len(FOLDER) + 1:-len(".json")] not in tables:
                self._state.delete(relative)  # a deleted table stays deleted

    def restore(self, client: Any) -> int:
        restored = 0
        for relative in self._state.files(FOLDER):
            saved = self._state.read_json(relative)
            if saved["table"] not in self._backend().tables:
                _create_table(client, saved)
            items = [_wire(item) for item in saved["items"]]
            for start in range(0, len(items), _BATCH):
                requests = [{"PutRequest": {"Item": item}} for item in items[start:start + _BATCH]]
                _write_all(client, saved["table"], requests)
            restored += len(items)
            self._state.remember(relative)
        return restored


def _items_of(table) -> list:
    """A copy of the table's items, taken while request threads may be writing to it."""
    while True:
        try:
            if table.range_key_attr is None:
                return list(table.items.values())
            return [item for by_range in list(table.items.values()) for item in list(by_range.values())]
        except RuntimeError:  # "dictionary changed size during iteration": take the copy again
            continue


def _portable(value: Any) -> Any:
    """moto holds binary attributes as bytes; JSON holds them base64-encoded, as DynamoDB's wire format does."""
    if isinstance(value, bytes):
        return {"$base64": base64.b64encode(value).decode()}
    if isinstance(value, dict):
        return {key: _portable(inner) for key, inner in value.items()}
    if isinstance(value, list):
        return [_portable(inner) for inner in value]
    return value


def _wire(value: Any) -> Any:
    if isinstance(value, dict):
        if set(value) == {"$base64"}:
            return base64.b64decode(value["$base64"])
        return {key: _wire(inner) for key, inner in value.items()}
    if isinstance(value, list):
        return [_wire(inner) for inner in value]
    return value


def _create_table(client: Any, saved: dict[str, Any]) -> None:
    arguments: dict[str, Any] = {"TableName": saved["table"], "KeySchema": saved["keySchema"],
                                 "AttributeDefinitions": saved["attributeDefinitions"],
                                 "BillingMode": "PAY_PER_REQUEST"}
    if saved["globalSecondaryIndexes"]:
        arguments["GlobalSecondaryIndexes"] = saved["globalSecondaryIndexes"]
    client.create_table(**arguments)


def _write_all(client: Any, table: str, requests: list[dict[str, Any]]) -> None:
    while requests:
        unprocessed = client.batch_write_item(RequestItems={table: requests}).get("UnprocessedItems", {})
        requests = unprocessed.get(table, [])
