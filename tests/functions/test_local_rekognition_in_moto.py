"""install_into_moto(): boto3 DetectLabels against moto answers from the real S3 object."""

import boto3
import pytest
from botocore.exceptions import ClientError

from localcloud.moto_changes.rekognition import LOCAL_MODEL_VERSION, install_into_moto

# The bucket the uploads_bucket fixture creates.
BUCKET = "stepgate-uploads-test"


@pytest.fixture
def rekognition(s3, uploads_bucket, png_bytes):
    install_into_moto()
    s3.put_object(Bucket=uploads_bucket, Key="white.png", Body=png_bytes)
    s3.put_object(Bucket=uploads_bucket, Key="notes.txt", Body=b"just some text")
    return boto3.client("rekognition")


def test_detect_labels_reads_the_object_from_moto_s3(rekognition):
    # When DetectLabels runs on a white PNG in moto's S3
    response = rekognition.detect_labels(Image={"S3Object": {"Bucket": BUCKET, "Name": "white.png"}}, MaxLabels=4)
    # Then the answer is the local computation for that image
    assert response["LabelModelVersion"] == LOCAL_MODEL_VERSION
    assert {"White", "PNG Image"} <= {label["Name"] for label in response["Labels"]}
    assert len(response["Labels"]) <= 4


def test_image_properties_come_only_when_the_features_ask_for_them(rekognition):
    # Given the same image asked for with and without the IMAGE_PROPERTIES feature
    image = {"S3Object": {"Bucket": BUCKET, "Name": "white.png"}}
    plain = rekognition.detect_labels(Image=image)
    with_properties = rekognition.detect_labels(Image=image, Features=["GENERAL_LABELS", "IMAGE_PROPERTIES"])

    # Then, as on Rekognition, only the second carries ImageProperties
    assert "ImageProperties" not in plain
    assert with_properties["ImageProperties"]["DominantColors"]


@pytest.mark.parametrize(
    "image, code",
    [
        ({"S3Object": {"Bucket": BUCKET, "Name": "notes.txt"}}, "InvalidImageFormatException"),
        ({"S3Object": {"Bucket": BUCKET, "Name": "missing.png"}}, "InvalidS3ObjectException"),
        ({"S3Object": {"Bucket": "no-such-bucket-here", "Name": "a.png"}}, "InvalidS3ObjectException"),
        ({"Bytes": b"garbage"}, "InvalidImageFormatException"),
    ],
)
def test_unreadable_images_answer_rekognitions_errors(rekognition, image, code):
    with pytest.raises(ClientError) as raised:
        rekognition.detect_labels(Image=image)
    assert raised.value.response["Error"]["Code"] == code


def test_install_is_idempotent():
    from moto.rekognition.responses import RekognitionResponse

    install_into_moto()
    installed = RekognitionResponse.detect_labels
    install_into_moto()
    assert RekognitionResponse.detect_labels is installed


def test_moto_server_mode_uses_the_local_computation(png_bytes, monkeypatch):
    # Given a moto server in this process, with the local DetectLabels installed
    from moto.server import ThreadedMotoServer

    install_into_moto()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0)
    server.start()
    try:
        host, port = server.get_host_and_port()
        endpoint = f"http://{host}:{port}"
        clients = {"aws_access_key_id": "testing", "aws_secret_access_key": "testing", "region_name": "us-east-1", "endpoint_url": endpoint}
        s3 = boto3.client("s3", **clients)
        s3.create_bucket(Bucket="server-mode-uploads")
        s3.put_object(Bucket="server-mode-uploads", Key="white.png", Body=png_bytes)
        # When DetectLabels is called over HTTP
        response = boto3.client("rekognition", **clients).detect_labels(
            Image={"S3Object": {"Bucket": "server-mode-uploads", "Name": "white.png"}}
        )
    finally:
        server.stop()
    # Then the server answered from the object's bytes
    assert response["LabelModelVersion"] == LOCAL_MODEL_VERSION
    assert "White" in {label["Name"] for label in response["Labels"]}
