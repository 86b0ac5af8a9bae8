"""Settings come from the environment on every call, never frozen at import."""

import pytest

from stepgate_jobs.settings import REKOGNITION_S3_IMAGE_LIMIT, ConfigurationError, SearchSettings, ValidationSettings


def test_settings_follow_the_current_environment(monkeypatch):
    # Given one environment, then a changed one
    monkeypatch.setenv("UPLOADS_BUCKET_NAME", "first")
    monkeypatch.delenv("MAX_IMAGE_BYTES", raising=False)
    first = ValidationSettings.from_environ()
    monkeypatch.setenv("UPLOADS_BUCKET_NAME", "second")
    # Then each call sees the environment of its time, with defaults for what is unset
    assert (first.uploads_bucket_name, first.max_image_bytes) == ("first", REKOGNITION_S3_IMAGE_LIMIT)
    assert ValidationSettings.from_environ().uploads_bucket_name == "second"


def test_numbers_are_parsed_and_defaulted(monkeypatch):
    monkeypatch.setenv("SEARCH_LATENCY_MS", "1500")
    monkeypatch.delenv("RESULT_TTL_SECONDS", raising=False)
    settings = SearchSettings.from_environ()
    assert (settings.search_latency_ms, settings.result_ttl_seconds) == (1500, 86_400)


def test_missing_or_malformed_variables_are_a_configuration_error(monkeypatch):
    # A deployment bug must not surface as the client's ValidationError.
    monkeypatch.delenv("UPLOADS_BUCKET_NAME", raising=False)
    with pytest.raises(ConfigurationError, match="UPLOADS_BUCKET_NAME"):
        ValidationSettings.from_environ()
    monkeypatch.setenv("SEARCH_LATENCY_MS", "soon")
    with pytest.raises(ConfigurationError, match="SEARCH_LATENCY_MS"):
        SearchSettings.from_environ()
