"""Reading a search's offers: expiry and read-time filters."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Protocol

from stepgate_jobs.offer_filters import parse_offer_filter
from stepgate_jobs.timestamps import epoch_to_iso_utc


@dataclass(frozen=True)
class StoredOffers:
    job_id: str
    offers: list[dict]
    expires_at: int


class OffersStore(Protocol):
    def get(self, job_id: str) -> StoredOffers | None: ...


class OffersNotFound(Exception):
    """No offers for the job: unknown, not finished, or expired."""


def read_offers(job_id: str, query: Mapping[str, str] | None, store: OffersStore, now_epoch: float) -> dict:
    offer_filter = parse_offer_filter(query)
    stored = store.get(job_id)
    # DynamoDB TTL deletes lazily, so an expired item may still be returned.
    if stored is None or stored.expires_at <= now_epoch:
        raise OffersNotFound(f"no offers for job {job_id}; the search may be unknown, still running or expired")
    offers = offer_filter.apply(stored.offers)
    return {"jobId": stored.job_id, "offers": offers, "count": len(offers), "expiresAt": epoch_to_iso_utc(stored.expires_at)}
