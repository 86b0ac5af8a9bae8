"""DynamoDB TransactWriteItems for the local cloud, without copying whole tables.

moto snapshots every table a transaction touches (`copy.deepcopy` of the table) so it can
roll back, which makes each transaction cost O(table size): creating the 10,000th user
copies 10,000 items. Here every condition is checked first and nothing is written if one
fails (that is what a cancelled transaction means); only the items being written are
snapshotted, for the rare write that fails midway. A lock also makes transactions and
conditional single-item writes (PutItem/UpdateItem/DeleteItem) atomic with respect to each
other, which moto's are not: two racing `attribute_not_exists` puts must not both succeed.
"""

from __future__ import annotations

import copy
import threading
from typing import Any

from moto.dynamodb.comparisons import get_filter_expression
from moto.dynamodb.exceptions import (
    ConditionalCheckFailed,
    MockValidationException,
    MultipleTransactionsException,
    TooManyTransactionsException,
    TransactionCanceledException,
    TransactWriteSingleOpException,
)
from moto.dynamodb.models import DynamoDBBackend

_ORIGINAL = DynamoDBBackend.transact_write_items
_ORIGINAL_WRITES = {name: getattr(DynamoDBBackend, name) for name in ("put_item", "update_item", "delete_item")}
_lock = threading.RLock()  # re-entrant: a transaction applies its writes through the locked methods
_OPERATIONS = {"ConditionCheck", "Put", "Delete", "Update"}


def _operation(item: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    if len(item) > 1:
        raise TransactWriteSingleOpException
    op_type, op = next(iter(item.items()))
    if op_type not in _OPERATIONS:
        raise MockValidationException(f"Unsupported transaction operation {op_type}")
    return op_type, op


def _key(backend: DynamoDBBackend, op_type: str, op: dict[str, Any]) -> dict[str, Any]:
    if op_type != "Put":
        return op["Key"]
    table = backend.get_table(op["TableName"])
    key = {table.hash_key_attr: op["Item"][table.hash_key_attr]}
    if table.range_key_attr is not None:
        key[table.range_key_attr] = op["Item"][table.range_key_attr]
    return key


def _check(backend: DynamoDBBackend, op: dict[str, Any], key: dict[str, Any]) -> tuple | None:
    """The cancellation reason for this operation, or None when its condition holds."""
    current = backend.get_item(op["TableName"], key)
    if op.get("ConditionExpression") is None:
        return None
    condition = get_filter_expression(
        op["ConditionExpression"], op.get("ExpressionAttributeNames"), op.get("ExpressionAttributeValues"))
    if condition.expr(current):
        return None
    old = current.to_json()["Attributes"] if current and op.get("ReturnValuesOnConditionCheckFailure") == "ALL_OLD" else None
    return ("ConditionalCheckFailed", ConditionalCheckFailed().message, old)


def _apply(backend: DynamoDBBackend, op_type: str, op: dict[str, Any], key: dict[str, Any]) -> None:
    table_name = op["TableName"]
    names, values = op.get("ExpressionAttributeNames"), op.get("ExpressionAttributeValues")
    if op_type == "Put":
        backend.put_item(table_name, op["Item"], expression_attribute_names=names, expression_attribute_values=values)
    elif op_type == "Delete":
        backend.delete_item(table_name, key, expression_attribute_names=names, expression_attribute_values=values)
    elif op_type == "Update":
        backend.update_item(table_name, key, update_expression=op["UpdateExpression"],
                            expression_attribute_names=names, expression_attribute_values=values)


def _restore(backend: DynamoDBBackend, snapshots: list[tuple[str, dict[str, Any], Any]]) -> None:
    for table_name, key, item in reversed(snapshots):
        if item is None:
            backend.delete_item(table_name, key)
        else:
            backend.put_item(table_name, item.to_json()["Attributes"])


def transact_write_items(self: DynamoDBBackend, transact_items: list[dict[str, Any]]) -> None:
    if len(transact_items) > 100:
        raise TooManyTransactionsException()
    with _lock:
        planned, seen, reasons = [], set(), []
        for item in transact_items:
            op_type, op = _operation(item)
            key = _key(self, op_type, op)
            identity = (str(op["TableName"]), str(dict(sorted(key.items()))))
            if identity in seen:
                raise MultipleTransactionsException()
            seen.add(identity)
            planned.append((op_type, op, key))
            reasons.append(_check(self, op, key) or (None, None, None))
        if any(code is not None for code, _, _ in reasons):
            raise TransactionCanceledException(reasons)

        snapshots: list[tuple[str, dict[str, Any], Any]] = []
        outcomes: list[tuple] = []
        for op_type, op, key in planned:
            try:
                if op_type != "ConditionCheck":
                    snapshots.append((op["TableName"], key, copy.deepcopy(self.get_item(op["TableName"], key))))
                _apply(self, op_type, op, key)
                outcomes.append((None, None, None))
            except Exception as error:  # noqa: BLE001 - reported per operation, as DynamoDB does
                outcomes.append((type(error).__name__, str(error), None))
                _restore(self, snapshots)
                outcomes += [(None, None, None)] * (len(planned) - len(outcomes))
                raise TransactionCanceledException(outcomes) from error


def _atomic(write):
    def locked(self: DynamoDBBackend, *args: Any, **kwargs: Any) -> Any:
        with _lock:  # the condition check and the write, as one step
            return write(self, *args, **kwargs)
    locked.__wrapped__ = write
    return locked


def install_transaction_without_table_copies() -> None:
    DynamoDBBackend.transact_write_items = transact_write_items
    for name, write in _ORIGINAL_WRITES.items():
        setattr(DynamoDBBackend, name, _atomic(write))


def uninstall_transaction_without_table_copies() -> None:
    DynamoDBBackend.transact_write_items = _ORIGINAL
    for name, write in _ORIGINAL_WRITES.items():
        setattr(DynamoDBBackend, name, write)
