"""GenerateSecretString, as the local cloud provisions AWS::SecretsManager::Secret."""

import base64
import json
import string

import pytest

from localcloud.provisioning.intrinsics import UnsupportedTemplate
from localcloud.provisioning import generate_secret_string


def test_the_callback_secret_spec_gives_32_base64_alphabet_characters():
    # Given the stack's callback signing secret spec
    value = generate_secret_string({"PasswordLength": 32, "ExcludePunctuation": True, "IncludeSpace": False})

    # Then the value is usable as a Standard Webhooks key: 32 characters, 24 bytes of base64
    assert len(value) == 32 and set(value) <= set(string.ascii_letters + string.digits)
    assert len(base64.b64decode(value, validate=True)) == 24


def test_excluded_characters_never_appear_and_each_included_class_does():
    values = [generate_secret_string({"PasswordLength": 12, "ExcludeCharacters": "abcdef0123", "ExcludeUppercase": True})
              for _ in range(50)]
    assert all(not set(v) & set("abcdef0123") and not set(v) & set(string.ascii_uppercase) for v in values)
    assert all(set(v) & set(string.punctuation) and set(v) & set("456789") for v in values)


def test_a_template_receives_the_generated_value_under_its_key():
    document = json.loads(generate_secret_string({"SecretStringTemplate": '{"username": "app"}',
                                                  "GenerateStringKey": "password", "PasswordLength": 20}))
    assert document["username"] == "app" and len(document["password"]) == 20


def test_excluding_everything_is_refused():
    with pytest.raises(UnsupportedTemplate):
        generate_secret_string({"ExcludeLowercase": True, "ExcludeUppercase": True, "ExcludeNumbers": True,
                                "ExcludePunctuation": True})
