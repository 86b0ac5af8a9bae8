"""Read-time filters for stored offers (`GET /searches/{jobId}/offers`)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Mapping

from stepgate_jobs.errors import ValidationError
from stepgate_jobs.fleet import Fleet, load_fleet


@dataclass(frozen=True)
class OfferFilter:
    car_size: str | None = None
    min_supplier_rating: Decimal | None = None
    upgrade_class: str | None = None

    def matches(self, offer: dict) -> bool:
        if self.car_size is not None and offer.get("carSize") != self.car_size:
            return False
        if self.upgrade_class is not None and offer.get("upgradeClass") != self.upgrade_class:
            return False
        if self.min_supplier_rating is not None:
            return Decimal(str(offer.get("supplierRating", 0))) >= self.min_supplier_rating
        return True

    def apply(self, offers: list[dict]) -> list[dict]:
        return [offer for offer in offers if self.matches(offer)]


def parse_offer_filter(query: Mapping[str, str] | None, fleet: Fleet | None = None) -> OfferFilter:
    """Builds the filter from query parameters; a bad value names its parameter."""
    fleet = fleet or load_fleet()
    query = query or {}
    car_size = query.get("carSize")
    if car_size is not None and car_size not in fleet.car_sizes:
        raise ValidationError("carSize", f"must be one of {', '.join(fleet.car_sizes)}")
    upgrade_class = query.get("upgradeClass")
    if upgrade_class is not None and upgrade_class not in fleet.upgrade_class_codes:
        raise ValidationError("upgradeClass", f"must be one of {', '.join(fleet.upgrade_class_codes)}")
    return OfferFilter(
        car_size=car_size,
        min_supplier_rating=_rating(query.get("minSupplierRating")),
        upgrade_class=upgrade_class,
    )


def _rating(text: str | None) -> Decimal | None:
    if text is None:
        return None
    try:
        rating = Decimal(text.strip())
    except InvalidOperation:
        rating = None
    if rating is None or not rating.is_finite() or not Decimal(1) <= rating <= Decimal(5):
        raise ValidationError("minSupplierRating", "must be a number from 1 to 5")
    return rating
