"""DynamoDB Query on a table's own key reads one partition, not the whole table.

moto's `Table.query` starts from `all_items()`, every item of the table sorted, and then
keeps those under the queried hash key: each query costs O(n log n) in the table's size.
The Delivery workflow queries the subscriptions table once per job, and that table keeps a
stored terminal event per job, so the local cloud slowed down the longer it ran (a third of
its CPU after ten minutes of load). DynamoDB reads only the partition; so does this. Index
queries are left to moto (an index is not keyed by the table's hash key).
"""

from __future__ import annotations

from typing import Any

from moto.dynamodb.models.table import Table

_ORIGINAL = Table.query


class _OnePartition:
    """The table as `Table.query` sees it: every attribute its own, `all_items` one partition's."""

    def __init__(self, table: Table, hash_key: Any):
        self._table = table
        self._hash_key = hash_key

    def __getattr__(self, name: str) -> Any:
        return getattr(self._table, name)

    def all_items(self) -> list:
        partition = self._table.items.get(self._hash_key)  # .get: the defaultdict must not grow on a read
        if partition is None:
            return []
        if not self._table.range_key_attr:
            return [partition]
        return sorted(partition.values(), key=lambda item: item.range_key)


def _query(self: Table, hash_key: Any, *args: Any, **kwargs: Any):
    index_name = args[6] if len(args) > 6 else kwargs.get("index_name")
    if index_name or hash_key is None:
        return _ORIGINAL(self, hash_key, *args, **kwargs)
    return _ORIGINAL(_OnePartition(self, hash_key), hash_key, *args, **kwargs)


def install_partition_queries() -> None:
    Table.query = _query


def uninstall_partition_queries() -> None:
    Table.query = _ORIGINAL
