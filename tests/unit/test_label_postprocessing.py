"""Rekognition DetectLabels output shaped into Stepgate labels."""

from stepgate_jobs.labels import recognition_result, simplify_labels

RESPONSE = {
    "Labels": [
        {"Name": "Beach", "Confidence": 91.23456, "Parents": [{"Name": "Nature"}, {"Name": "Outdoors"}], "Categories": [{"Name": "Nature"}]},
        {"Name": "Sea", "Confidence": 97.555, "Parents": [{"Name": "Nature"}]},
        {"Name": "Person", "Confidence": 54.9, "Parents": []},
        {"Name": "Sand", "Confidence": 91.23456, "Parents": []},
    ],
    "ImageProperties": {"Quality": {"Brightness": 80.0}},
    "LabelModelVersion": "3.0",
}


def test_labels_are_simplified_sorted_filtered_and_capped():
    # When post-processed with minConfidence 55 and at most 2 labels
    labels = simplify_labels(RESPONSE["Labels"], max_labels=2, min_confidence=55)
    # Then the most confident come first, rounded to 2 decimals, with parent names only
    assert labels == [
        {"name": "Sea", "confidence": 97.56, "parents": ["Nature"]},
        {"name": "Beach", "confidence": 91.23, "parents": ["Nature", "Outdoors"]},
    ]


def test_equal_confidences_keep_rekognitions_order():
    names = [label["name"] for label in simplify_labels(RESPONSE["Labels"], 10, 0)]
    assert names == ["Sea", "Beach", "Sand", "Person"]


def test_result_keeps_image_properties_and_names_amazon_as_source():
    result = recognition_result(RESPONSE, 10, 55, expires_at=123)
    assert result["imageProperties"] == {"Quality": {"Brightness": 80.0}}
    assert (result["labelCount"], result["source"]) == (3, "amazon-rekognition")
    assert (result["expiresAt"], result["expiresEpoch"]) == ("1970-01-01T00:02:03Z", 123)
    assert result["expiresHttpDate"] == "Thu, 01 Jan 1970 00:02:03 GMT"


def test_result_without_image_properties_and_local_marker():
    # Given a locally produced response without ImageProperties
    result = recognition_result({"Labels": [], "LabelModelVersion": "local-1.0"}, 10, 55, expires_at=1)
    # Then imageProperties is null and the source says local
    assert (result["imageProperties"], result["labels"], result["source"]) == (None, [], "local-rekognition")
