"""Pricing: rental days, totals in cents, stable sort, supplier failures."""

from datetime import datetime, timedelta, timezone
from decimal import Decimal

import pytest

from stepgate_jobs.errors import SupplierUnavailable
from stepgate_jobs.fleet import load_fleet
from stepgate_jobs.search import FleetOfferProvider, Offer, Search, price_offers, rental_days, search_offers

PICKUP = datetime(2026, 12, 1, 10, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    "duration, days",
    [(timedelta(hours=1), 1), (timedelta(hours=24), 1), (timedelta(hours=24, minutes=1), 2), (timedelta(days=3), 3), (timedelta(0), 1)],
)
def test_rental_days_are_started_24_hour_periods(duration, days):
    # Given a rental duration / When days are counted / Then every started 24 h counts, at least one
    assert rental_days(PICKUP, PICKUP + duration) == days


def search_at(code: str, hours: int, car_size: str | None = None) -> Search:
    return Search(load_fleet().resolve_location(code), PICKUP, PICKUP + timedelta(hours=hours), car_size)


def test_fleet_prices_are_in_local_currency_and_cents():
    # Given a 2.5-day SUV search in London
    offers = FleetOfferProvider().quote(search_at("LHR", 60, "suv"))
    # Then every offer is an SUV in GBP, its total three days of the daily price, both in cents
    assert offers and {offer.currency for offer in offers} == {"GBP"}
    for offer in offers:
        assert offer.car_size == "suv"
        assert offer.total_price == offer.daily_price * 3
        assert offer.daily_price == offer.daily_price.quantize(Decimal("0.01"))


def test_known_price_is_reproduced_exactly():
    # Given Northwind's economy base rate of 38.00 USD at JFK (price level 1.25), no upgrade, one day
    offers = FleetOfferProvider().quote(search_at("JFK", 5, "economy"))
    northwind = next(o for o in offers if o.supplier == "Northwind Rentals" and o.upgrade_class == "none")
    # Then the price is 47.50 USD
    assert (northwind.daily_price, northwind.total_price, northwind.currency) == (Decimal("47.50"), Decimal("47.50"), "USD")


def test_upgrades_cost_more_than_the_base_offer():
    offers = FleetOfferProvider().quote(search_at("CDG", 24, "compact"))
    by_supplier: dict[str, dict[str, Decimal]] = {}
    for offer in offers:
        by_supplier.setdefault(offer.supplier, {})[offer.upgrade_class] = offer.daily_price
    # Then, for every supplier, none < standard < premium
    for prices in by_supplier.values():
        assert prices["none"] < prices["standard"] < prices["premium"]


def test_offers_are_sorted_by_total_price_and_stable():
    # Given a provider returning equal totals in a known order
    def offer(name, total):
        return Offer(name, Decimal("4"), "suv", "none", Decimal(total), Decimal(total), "USD")

    class CannedProvider:
        def quote(self, search):
            return [offer("c", "30"), offer("a", "10"), offer("b", "30"), offer("d", "10")]

    # When priced / Then cheapest first, ties keep the provider's order
    assert [o.supplier for o in price_offers(search_at("JFK", 24), CannedProvider())] == ["a", "d", "c", "b"]


def test_supplier_timeouts_become_supplier_unavailable():
    class DownProvider:
        def quote(self, search):
            raise TimeoutError("read timed out")

    # When a supplier does not answer / Then the error is the retriable SupplierUnavailable
    with pytest.raises(SupplierUnavailable):
        price_offers(search_at("JFK", 24), DownProvider())


def test_latency_is_simulated_with_the_injected_sleep():
    slept = []
    FleetOfferProvider(latency_ms=250, sleep=slept.append).quote(search_at("ORD", 24))
    assert slept == [0.25]


def test_search_offers_output_matches_the_task_contract():
    # Given a validated search request
    request = {"location": "LHR", "pickupAt": "2026-12-01T10:00:00Z", "dropoffAt": "2026-12-02T10:00:00Z"}
    # When offers are searched
    result = search_offers(request, FleetOfferProvider(), now_epoch=1_000, ttl_seconds=600)
    # Then the output has the contracted keys and JSON-friendly offers
    assert set(result) == {"offers", "offerCount", "expiresAt", "expiresEpoch", "expiresHttpDate"}
    assert (result["expiresAt"], result["expiresEpoch"]) == ("1970-01-01T00:26:40Z", 1_600)
    assert result["offerCount"] == len(result["offers"]) > 0
    assert set(result["offers"][0]) == {"supplier", "supplierRating", "carSize", "upgradeClass", "dailyPrice", "totalPrice", "currency"}
    assert all(isinstance(result["offers"][0][key], float) for key in ("supplierRating", "dailyPrice", "totalPrice"))
    totals = [offer["totalPrice"] for offer in result["offers"]]
    assert totals == sorted(totals)
