"""Read-time offer filters and their query-parameter errors."""

import pytest

from stepgate_jobs.errors import ValidationError
from stepgate_jobs.offer_filters import parse_offer_filter

OFFERS = [
    {"supplier": "A", "supplierRating": 4.6, "carSize": "suv", "upgradeClass": "none"},
    {"supplier": "B", "supplierRating": 3.8, "carSize": "suv", "upgradeClass": "premium"},
    {"supplier": "C", "supplierRating": 4.0, "carSize": "economy", "upgradeClass": "none"},
]


@pytest.mark.parametrize(
    "query, suppliers",
    [
        (None, ["A", "B", "C"]),
        ({"carSize": "suv"}, ["A", "B"]),
        ({"minSupplierRating": "4"}, ["A", "C"]),
        ({"minSupplierRating": "4.5", "carSize": "suv"}, ["A"]),
        ({"upgradeClass": "premium"}, ["B"]),
    ],
)
def test_filters_keep_matching_offers(query, suppliers):
    # Given stored offers / When filtered by the query / Then only matching offers remain, in order
    assert [o["supplier"] for o in parse_offer_filter(query).apply(OFFERS)] == suppliers


@pytest.mark.parametrize(
    "query, parameter",
    [
        ({"carSize": "spaceship"}, "carSize"),
        ({"minSupplierRating": "0"}, "minSupplierRating"),
        ({"minSupplierRating": "6"}, "minSupplierRating"),
        ({"minSupplierRating": "five"}, "minSupplierRating"),
        ({"minSupplierRating": "NaN"}, "minSupplierRating"),
        ({"upgradeClass": "gold"}, "upgradeClass"),
    ],
)
def test_invalid_filter_names_its_query_parameter(query, parameter):
    # When a filter value is invalid / Then the error names the query parameter
    with pytest.raises(ValidationError) as raised:
        parse_offer_filter(query)
    assert raised.value.field == parameter
    assert str(raised.value).startswith(f"{parameter}: ")
