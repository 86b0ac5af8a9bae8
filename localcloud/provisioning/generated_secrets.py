"""AWS::SecretsManager::Secret GenerateSecretString, generated as CloudFormation does."""

from __future__ import annotations

import json
import secrets
import string
from typing import Any

from localcloud.provisioning.intrinsics import UnsupportedTemplate

# Secrets Manager's GetRandomPassword character classes.
_PUNCTUATION = "!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~"


def generate_secret_string(spec: dict) -> str:
    """A secret string per GenerateSecretString's character classes, length, exclusions and template."""
    classes = {
        "ExcludeLowercase": string.ascii_lowercase,
        "ExcludeUppercase": string.ascii_uppercase,
        "ExcludeNumbers": string.digits,
        "ExcludePunctuation": _PUNCTUATION,
    }
    excluded = set(spec.get("ExcludeCharacters") or "")
    pools = [
        "".join(c for c in chars if c not in excluded)
        for flag, chars in classes.items() if not _truthy(spec.get(flag))
    ]
    if _truthy(spec.get("IncludeSpace")):
        pools.append(" ")
    pools = [pool for pool in pools if pool]
    if not pools:
        raise UnsupportedTemplate("GenerateSecretString excludes every character")
    length = int(spec.get("PasswordLength", 32))
    alphabet = "".join(pools)
    while True:
        value = "".join(secrets.choice(alphabet) for _ in range(length))
        # RequireEachIncludedType defaults to true: one character of each included class at least.
        if not _truthy(spec.get("RequireEachIncludedType", True)) or length < len(pools) or all(
                any(c in pool for c in value) for pool in pools):
            break
    template, key = spec.get("SecretStringTemplate"), spec.get("GenerateStringKey")
    if template is None:
        return value
    if not key:
        raise UnsupportedTemplate("GenerateSecretString: SecretStringTemplate needs GenerateStringKey")
    document = json.loads(template)
    document[key] = value
    return json.dumps(document)


def _truthy(value: Any) -> bool:
    return value is True or str(value).lower() == "true"
