"""The bundled fleet dataset: completeness and location aliases."""

import pytest

from stepgate_jobs.fleet import load_fleet


@pytest.mark.parametrize(
    "text, code",
    [
        ("New York", "JFK"), ("new york", "JFK"), ("NYC", "JFK"), ("JFK", "JFK"), ("jfk", "JFK"),
        ("Los Angeles", "LAX"), ("L.A.", "LAX"), ("Chicago", "ORD"), ("O'Hare", "ORD"),
        ("London", "LHR"), ("  london  ", "LHR"), ("Paris", "CDG"), ("CDG", "CDG"), ("frankfurt-am-main", "FRA"), ("Schiphol", "AMS"),
    ],
)
def test_location_aliases_resolve_to_canonical_code(text, code):
    # Given the dataset / When a user's spelling is resolved / Then it names the canonical location
    assert load_fleet().resolve_location(text).code == code


def test_unknown_location_resolves_to_none():
    # Given the dataset / When an unknown place is resolved / Then there is no location
    assert load_fleet().resolve_location("Atlantis") is None


def test_dataset_covers_contracted_sizes_suppliers_and_currencies():
    # Given the dataset
    fleet = load_fleet()
    # Then it has the sizes, upgrade classes and enough rated suppliers the API promises
    assert fleet.car_sizes == ("economy", "compact", "midsize", "fullsize", "suv", "van", "luxury")
    assert {"none", "standard", "premium"} <= set(fleet.upgrade_class_codes)
    assert len(fleet.suppliers) >= 6
    assert all(1 <= supplier.rating <= 5 for supplier in fleet.suppliers)
    assert {fleet.locations[code].currency for code in ("JFK", "LHR", "CDG")} == {"USD", "GBP", "EUR"}
    # And every supplier location and price refers to something that exists
    for supplier in fleet.suppliers:
        assert supplier.location_codes <= set(fleet.locations)
        assert set(supplier.daily_prices_usd) <= set(fleet.car_sizes)
