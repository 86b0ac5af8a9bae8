"""The bundled fleet dataset (`fleet.json`): locations, suppliers, car sizes and upgrades."""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Mapping

FLEET_FILE = Path(__file__).with_name("fleet.json")


@dataclass(frozen=True)
class Location:
    code: str
    name: str
    city: str
    country: str
    currency: str
    price_level: Decimal
    aliases: tuple[str, ...]


@dataclass(frozen=True)
class Supplier:
    code: str
    name: str
    rating: Decimal
    location_codes: frozenset[str]
    daily_prices_usd: Mapping[str, Decimal]


@dataclass(frozen=True)
class UpgradeClass:
    code: str
    name: str
    surcharge_usd_per_day: Decimal


@dataclass(frozen=True)
class Fleet:
    locations: Mapping[str, Location]
    suppliers: tuple[Supplier, ...]
    car_sizes: tuple[str, ...]
    upgrade_classes: tuple[UpgradeClass, ...]
    usd_rates: Mapping[str, Decimal]
    _alias_index: Mapping[str, str]

    def resolve_location(self, text: str) -> Location | None:
        """Finds a location by code, city, or alias, ignoring case, accents and punctuation."""
        code = self._alias_index.get(alias_key(text))
        return self.locations[code] if code else None

    def upgrade_class(self, code: str) -> UpgradeClass | None:
        return next((upgrade for upgrade in self.upgrade_classes if upgrade.code == code), None)

    @property
    def upgrade_class_codes(self) -> tuple[str, ...]:
        return tuple(upgrade.code for upgrade in self.upgrade_classes)


def alias_key(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text)
    without_accents = "".join(char for char in decomposed if not unicodedata.combining(char))
    without_punctuation = re.sub(r"[.'’]", "", without_accents.casefold())
    return " ".join(re.split(r"[\s\-–]+", without_punctuation.strip()))


@cache
def load_fleet(path: Path = FLEET_FILE) -> Fleet:
    # Decimal prices keep cents exact from the file to the offer.
    raw = json.loads(path.read_text(encoding="utf-8"), parse_float=Decimal)
    locations = {
        item["code"]: Location(
            code=item["code"],
            name=item["name"],
            city=item["city"],
            country=item["country"],
            currency=item["currency"],
            price_level=Decimal(item["priceLevel"]),
            aliases=tuple(item["aliases"]),
        )
        for item in raw["locations"]
    }
    car_sizes = tuple(size["code"] for size in raw["carSizes"])
    suppliers = tuple(
        Supplier(
            code=item["code"],
            name=item["name"],
            rating=Decimal(item["rating"]),
            location_codes=frozenset(item["locations"]),
            daily_prices_usd=MappingProxyType({size: Decimal(price) for size, price in item["dailyPricesUsd"].items()}),
        )
        for item in raw["suppliers"]
    )
    upgrades = tuple(
        UpgradeClass(code=item["code"], name=item["name"], surcharge_usd_per_day=Decimal(item["surchargeUsdPerDay"]))
        for item in raw["upgradeClasses"]
    )
    usd_rates = {code: Decimal(item["usdRate"]) for code, item in raw["currencies"].items()}
    return Fleet(
        locations=MappingProxyType(locations),
        suppliers=suppliers,
        car_sizes=car_sizes,
        upgrade_classes=upgrades,
        usd_rates=MappingProxyType(usd_rates),
        _alias_index=MappingProxyType(_alias_index(locations.values())),
    )


def _alias_index(locations) -> dict[str, str]:
    index: dict[str, str] = {}
    for location in locations:
        for name in (location.code, location.name, location.city, *location.aliases):
            key = alias_key(name)
            owner = index.setdefault(key, location.code)
            # An alias naming two locations would make resolution depend on file order.
            if owner != location.code:
                raise ValueError(f"alias {name!r} names both {owner} and {location.code}")
    return index
