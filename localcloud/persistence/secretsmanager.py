"""Secrets Manager: each secret's current value, so a generated secret (the callback signing key) is kept.

Provisioning generates a new value for a template's secret on every start; restoring puts the
saved value back as the current version, so webhook receivers configured with it keep verifying.
"""

from __future__ import annotations

import base64
from typing import Any

from moto.secretsmanager.models import secretsmanager_backends

from localcloud.persistence.files import StateDirectory

FILE = "secretsmanager.json"


class SecretsState:
    def __init__(self, state: StateDirectory, account_id: str, region: str):
        self._state, self._account_id, self._region = state, account_id, region

    def _backend(self):
        return secretsmanager_backends[self._account_id][self._region]

    def save(self) -> None:
        saved = {}
        for name in list(self._backend().secrets.keys()):
            try:
                value = self._backend().get_secret_value(name, None, None)
            except Exception:  # noqa: BLE001 - deleted or without a value: nothing to keep
                continue
            if value.get("SecretString") is not None:
                saved[name] = {"SecretString": value["SecretString"]}
            elif value.get("SecretBinary") is not None:
                binary = value["SecretBinary"]
                saved[name] = {"SecretBinary": binary if isinstance(binary, str) else base64.b64encode(binary).decode()}
        self._state.write_json(FILE, saved)

    def restore(self, client: Any) -> int:
        saved = self._state.read_json(FILE) or {}
        for name, value in saved.items():
            arguments = ({"SecretString": value["SecretString"]} if "SecretString" in value
                         else {"SecretBinary": base64.b64decode(value["SecretBinary"])})
            if name in self._backend().secrets:
                client.put_secret_value(SecretId=name, **arguments)
            else:
                client.create_secret(Name=name, **arguments)
        return len(saved)
