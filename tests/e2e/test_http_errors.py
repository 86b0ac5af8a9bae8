"""Bad requests get clear application/problem+json answers, never a 500."""

import pytest


def _problem(response, status: int) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["Content-Type"].startswith("application/problem+json")
    problem = response.json()
    assert problem["status"] == status and problem["title"] and problem["type"]
    return problem


@pytest.mark.parametrize("body, field", [
    ({"pickupAt": "2030-01-01T10:00:00Z", "dropoffAt": "2030-01-03T10:00:00Z"}, "location"),
    ({"location": "JFK", "pickupAt": "tomorrow", "dropoffAt": "2030-01-03T10:00:00Z"}, "pickupAt"),
    ({"location": "JFK", "pickupAt": "2030-01-01T10:00:00Z", "dropoffAt": "2030-01-03T10:00:00Z", "carSize": "tank"}, "carSize"),
    ({"location": "JFK", "pickupAt": "2030-01-01T10:00:00Z", "dropoffAt": "2030-01-03T10:00:00Z", "extra": 1}, "extra"),
])
def test_a_bad_search_body_is_a_400_naming_the_field(cloud, body, field):
    problem = _problem(cloud.submit("/searches", body), 400)
    assert field in problem["detail"]


def test_a_bad_user_body_is_a_400_naming_the_field(cloud):
    problem = _problem(cloud.submit("/users", {"name": "No Email"}), 400)
    assert "email" in problem["detail"]


def test_a_body_that_is_not_json_is_a_400(cloud):
    response = cloud.request("POST", "/searches", data="{not json", headers={"Content-Type": "application/json"})
    _problem(response, 400)


def test_a_missing_api_key_is_a_403(cloud):
    _problem(cloud.request("POST", "/searches", key=None, json={}), 403)


def test_a_wrong_api_key_is_a_403(cloud):
    _problem(cloud.request("GET", "/jobs/anything", key="not-the-key"), 403)


@pytest.mark.parametrize("job_id", ["does-not-exist", "has:colon", "x" * 81])
def test_an_unknown_or_malformed_job_id_is_a_404(cloud, job_id):
    _problem(cloud.request("GET", f"/jobs/{job_id}"), 404)


def test_an_unknown_route_is_a_404_problem(cloud):
    _problem(cloud.request("GET", "/nowhere"), 404)


def test_an_unknown_user_is_a_404(cloud):
    _problem(cloud.request("GET", "/users/nobody"), 404)


def test_an_unsupported_media_type_is_a_415_problem(cloud):
    # Given a search sent as XML
    response = cloud.request("POST", "/searches", data="<search/>", headers={"Content-Type": "application/xml"})

    # Then the gateway's own response is a problem
    assert _problem(response, 415)["type"] == "urn:stepgate:problem:unsupported-media-type"


def test_an_upload_over_10_mb_is_a_413_problem(cloud):
    response = cloud.request("PUT", "/uploads/big.png", data=b"\0" * (10 * 1024 * 1024 + 1),
                             headers={"Content-Type": "image/png"})
    assert _problem(response, 413)["type"] == "urn:stepgate:problem:payload-too-large"


def test_a_missing_route_is_a_not_found_problem_for_any_method(cloud):
    assert _problem(cloud.request("PATCH", "/jobs/anything"), 404)["type"] == "urn:stepgate:problem:not-found"
