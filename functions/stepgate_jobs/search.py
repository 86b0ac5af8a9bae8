"""Car-rental search: an offer provider interface and pricing over the fleet dataset."""

from __future__ import annotations

import math
import time
from dataclasses import dataclass
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal
from typing import Callable, Protocol

from stepgate_jobs.errors import SupplierUnavailable, ValidationError
from stepgate_jobs.fleet import Fleet, Location, load_fleet
from stepgate_jobs.timestamps import parse_aware_datetime, retention_fields

CENT = Decimal("0.01")
SECONDS_PER_DAY = 24 * 60 * 60


@dataclass(frozen=True)
class Search:
    location: Location
    pickup_at: datetime
    dropoff_at: datetime
    car_size: str | None = None

    @property
    def rental_days(self) -> int:
        return rental_days(self.pickup_at, self.dropoff_at)


@dataclass(frozen=True)
class Offer:
    supplier: str
    supplier_rating: Decimal
    car_size: str
    upgrade_class: str
    daily_price: Decimal
    total_price: Decimal
    currency: str

    def to_dict(self) -> dict:
        # Floats, not Decimals: the payload crosses Lambda and Step Functions as JSON.
        return {
            "supplier": self.supplier,
            "supplierRating": float(self.supplier_rating),
            "carSize": self.car_size,
            "upgradeClass": self.upgrade_class,
            "dailyPrice": float(self.daily_price),
            "totalPrice": float(self.total_price),
            "currency": self.currency,
        }


class OfferProvider(Protocol):
    """Anything that can quote a search: the bundled fleet now, a supplier API later.

    Raises SupplierUnavailable when the supplier cannot answer right now.
    """

    def quote(self, search: Search) -> list[Offer]: ...


def rental_days(pickup_at: datetime, dropoff_at: datetime) -> int:
    """Rental days are started 24-hour periods, at least one."""
    seconds = (dropoff_at - pickup_at).total_seconds()
    return max(1, math.ceil(seconds / SECONDS_PER_DAY))


def to_cents(amount: Decimal) -> Decimal:
    return amount.quantize(CENT, rounding=ROUND_HALF_UP)


class FleetOfferProvider:
    """Quotes every supplier at the location from the bundled dataset."""

    def __init__(
        self,
        fleet: Fleet | None = None,
        latency_ms: int = 0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._fleet = fleet or load_fleet()
        self._latency_seconds = latency_ms / 1000
        self._sleep = sleep

    def quote(self, search: Search) -> list[Offer]:
        if self._latency_seconds > 0:
            # Simulates a supplier round trip, so the asynchronous API has something to wait for.
            self._sleep(self._latency_seconds)
        fleet, location = self._fleet, search.location
        usd_rate = fleet.usd_rates[location.currency]
        sizes = (search.car_size,) if search.car_size else fleet.car_sizes
        offers = []
        for supplier in fleet.suppliers:
            if location.code not in supplier.location_codes:
                continue
            for size in sizes:
                base = supplier.daily_prices_usd.get(size)
                if base is None:
                    continue
                for upgrade in fleet.upgrade_classes:
                    daily = to_cents((base * location.price_level + upgrade.surcharge_usd_per_day) * usd_rate)
                    offers.append(
                        Offer(
                            supplier=supplier.name,
                            supplier_rating=supplier.rating,
                            car_size=size,
                            upgrade_class=upgrade.code,
                            daily_price=daily,
                            total_price=to_cents(daily * search.rental_days),
                            currency=location.currency,
                        )
                    )
        return offers


def search_from_request(request: dict, fleet: Fleet | None = None) -> Search:
    """Reads an already validated search request (location is a code or alias)."""
    fleet = fleet or load_fleet()
    location = fleet.resolve_location(str(request.get("location", "")))
    if location is None:
        raise ValidationError("location", f"unknown location {request.get('location')!r}")
    pickup_at = parse_aware_datetime(request.get("pickupAt"))
    dropoff_at = parse_aware_datetime(request.get("dropoffAt"))
    if pickup_at is None:
        raise ValidationError("pickupAt", "must be an ISO 8601 date-time with a timezone")
    if dropoff_at is None:
        raise ValidationError("dropoffAt", "must be an ISO 8601 date-time with a timezone")
    return Search(location=location, pickup_at=pickup_at, dropoff_at=dropoff_at, car_size=request.get("carSize"))


def price_offers(search: Search, provider: OfferProvider) -> list[Offer]:
    """The provider's offers, cheapest first; equal prices keep the provider's order."""
    try:
        offers = provider.quote(search)
    except (TimeoutError, ConnectionError) as error:
        raise SupplierUnavailable(f"supplier did not answer: {error}") from error
    return sorted(offers, key=lambda offer: offer.total_price)


def search_offers(request: dict, provider: OfferProvider, now_epoch: int, ttl_seconds: int) -> dict:
    """SearchOffers task output: the priced offers, kept until expiresAt."""
    offers = price_offers(search_from_request(request), provider)
    return {"offers": [offer.to_dict() for offer in offers], "offerCount": len(offers),
            **retention_fields(now_epoch + ttl_seconds)}
