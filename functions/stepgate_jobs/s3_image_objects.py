"""ImageObjects over S3: HEAD for the size, a ranged GET for the magic bytes."""

from __future__ import annotations

from botocore.exceptions import ClientError

from stepgate_jobs.aws_clients import aws_client

# Without s3:ListBucket (least privilege), S3 answers a HEAD on a missing key with 403, not 404.
_MISSING_OBJECT_CODES = {"404", "NoSuchKey", "NotFound", "NoSuchBucket", "403", "Forbidden", "AccessDenied"}


class S3ImageObjects:
    def size_of(self, bucket: str, key: str) -> int | None:
        try:
            head = aws_client("s3").head_object(Bucket=bucket, Key=key)
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in _MISSING_OBJECT_CODES:
                return None
            raise
        return int(head["ContentLength"])

    def first_bytes(self, bucket: str, key: str, count: int) -> bytes:
        response = aws_client("s3").get_object(Bucket=bucket, Key=key, Range=f"bytes=0-{count - 1}")
        return response["Body"].read()
