"""search_worker handler: prices the canned search."""

import time
from datetime import datetime, timezone

from search_worker.app import handler


def test_search_returns_sorted_offers_in_local_currency(load_event, lambda_context, monkeypatch):
    # Given a London search and a one-hour result TTL, with no simulated latency
    monkeypatch.setenv("SEARCH_LATENCY_MS", "0")
    monkeypatch.setenv("RESULT_TTL_SECONDS", "3600")
    before = int(time.time())
    # When the worker runs
    result = handler(load_event("search_worker"), lambda_context)
    # Then offers are priced in GBP for three rental days, cheapest first, and expire in an hour
    offers = result["offers"]
    assert result["offerCount"] == len(offers) > 0
    assert {offer["currency"] for offer in offers} == {"GBP"}
    assert all(round(offer["dailyPrice"] * 3, 2) == offer["totalPrice"] for offer in offers)
    assert [offer["totalPrice"] for offer in offers] == sorted(offer["totalPrice"] for offer in offers)
    assert before + 3600 <= result["expiresEpoch"] <= int(time.time()) + 3600
    assert result["expiresAt"] == datetime.fromtimestamp(result["expiresEpoch"], timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def test_car_size_in_the_request_limits_the_offers(load_event, lambda_context, monkeypatch):
    monkeypatch.setenv("SEARCH_LATENCY_MS", "0")
    event = load_event("search_worker")
    event["request"]["carSize"] = "luxury"
    result = handler(event, lambda_context)
    assert result["offerCount"] > 0 and {offer["carSize"] for offer in result["offers"]} == {"luxury"}
