"""Reading a search's offers: retention and read-time filters."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Mapping, Protocol

from stepgate_jobs.offer_filters import parse_offer_filter
from stepgate_jobs.timestamps import epoch_to_http_date, epoch_to_iso_utc


@dataclass(frozen=True)
class StoredOffers:
    job_id: str
    offers: list[dict]
    expires_at: int
    cancelled_at: str | None = None  # a tombstone: the search was cancelled, no offers will ever exist


class OffersStore(Protocol):
    def get(self, job_id: str) -> StoredOffers | None: ...


class OffersNotFound(Exception):
    """No offers for the job: unknown, still running, or purged long after expiry."""


class OffersCancelled(Exception):
    """The search was cancelled: whatever it may have computed is never served (410 job-cancelled)."""


class OffersExpired(Exception):
    """The offers existed but their retention is over (410 Gone): the item outlives expiresAt until purgeAt."""


@dataclass(frozen=True)
class OffersDocument:
    body: dict
    expires_http_date: str


def read_offers(job_id: str, query: Mapping[str, str] | None, store: OffersStore, now_epoch: float) -> OffersDocument:
    offer_filter = parse_offer_filter(query)
    stored = store.get(job_id)
    if stored is None:
        raise OffersNotFound(f"no offers for job {job_id}; the search may be unknown or still running")
    if stored.cancelled_at is not None:
        raise OffersCancelled(f"job {job_id} was cancelled at {stored.cancelled_at}; it has no offers")
    # TTL deletes at purgeAt (and lazily): expiry is decided here, never by the item's absence.
    if stored.expires_at <= now_epoch:
        raise OffersExpired(f"the offers of job {job_id} expired at {epoch_to_iso_utc(stored.expires_at)}")
    offers = offer_filter.apply(stored.offers)
    body = {"jobId": stored.job_id, "offers": offers, "count": len(offers), "expiresAt": epoch_to_iso_utc(stored.expires_at)}
    return OffersDocument(body, epoch_to_http_date(stored.expires_at))
