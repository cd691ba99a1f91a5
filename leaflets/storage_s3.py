"""Image storage on an S3-compatible object store (AWS S3, MinIO, Ceph, moto) through boto3.

One object per variant at `<sha[:2]>/<sha>/<variant>` under S3_PREFIX, its mime type as the object's
Content-Type, so the layout mirrors LocalStorage's folders and `flask sweep-uploads` works the same. A put is
atomic by S3's own rules (an object appears whole or not at all). Browsers fetch public images straight from
the store through short-lived signed URLs (S3_PUBLIC_ENDPOINT_URL when the store is reached under another
name from outside, as in deploy/compose.yaml); the app never hands out a signed URL for a hidden leaflet's
image.
"""

from __future__ import annotations

import logging
from typing import Any, Iterator, Mapping, Sequence

import boto3
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError

from leaflets.storage import _SHA, HELD, OBJECTS, VARIANTS, StorageUnreachable, check_sha

log = logging.getLogger(__name__)
_MISSING = {"404", "NoSuchKey", "NotFound"}


class S3Storage:
    def __init__(
        self,
        bucket: str,
        *,
        prefix: str = "",
        endpoint_url: str | None = None,
        public_endpoint_url: str | None = None,
        region: str | None = None,
        access_key: str | None = None,
        secret_key: str | None = None,
    ) -> None:
        self.bucket = bucket
        self.prefix = prefix.strip("/") + "/" if prefix.strip("/") else ""
        options: dict[str, Any] = {
            "region_name": region or "us-east-1",
            "aws_access_key_id": access_key,
            "aws_secret_access_key": secret_key,
        }
        # Path-style addressing: MinIO and moto serve buckets under the endpoint's path, not as subdomains.
        config = Config(
            s3={"addressing_style": "path"},
            signature_version="s3v4",
            retries={"max_attempts": 3, "mode": "standard"},
            connect_timeout=5,
            read_timeout=30,
        )
        self.client = boto3.client("s3", endpoint_url=endpoint_url, config=config, **options)
        self.url_client = (
            boto3.client("s3", endpoint_url=public_endpoint_url, config=config, **options)
            if public_endpoint_url
            else self.client
        )

    @classmethod
    def from_config(cls, config: Mapping[str, Any]) -> "S3Storage":
        if not config.get("S3_BUCKET"):
            raise ValueError("STORAGE=s3 needs S3_BUCKET")
        return cls(
            config["S3_BUCKET"],
            prefix=config.get("S3_PREFIX") or "",
            endpoint_url=config.get("S3_ENDPOINT_URL") or None,
            public_endpoint_url=config.get("S3_PUBLIC_ENDPOINT_URL") or None,
            region=config.get("S3_REGION") or None,
            access_key=config.get("S3_ACCESS_KEY_ID") or None,
            secret_key=config.get("S3_SECRET_ACCESS_KEY") or None,
        )

    def key(self, sha256: str, variant: str) -> str:
        check_sha(sha256)
        if variant not in OBJECTS:
            raise ValueError(f"unknown variant {variant!r}")
        return f"{self.prefix}{sha256[:2]}/{sha256}/{variant}"

    def put(self, sha256: str, variant: str, data: bytes, mime: str) -> None:
        try:
            self.client.put_object(
                Bucket=self.bucket, Key=self.key(sha256, variant), Body=data, ContentType=mime
            )
        except (BotoCoreError, ClientError) as error:
            # The upload path turns OSError into a readable 503 that keeps the voter's form (storage_errors).
            raise StorageUnreachable(f"object storage refused {sha256[:12]}/{variant}: {error}") from error

    def hold(self, uploads: Sequence[tuple[str, bytes]]) -> None:
        """Keep uploads' bytes until their variants are made: one object each (a PUT is durable when it
        answers)."""
        for sha256, data in uploads:
            self.put(sha256, HELD, data, "application/octet-stream")

    def partial_holds_removed(self, older_than: float) -> int:
        """A PUT is whole or absent: nothing partial to remove."""
        return 0

    def read(self, sha256: str, variant: str) -> tuple[bytes, str] | None:
        if variant not in OBJECTS or not _SHA.match(sha256):
            return None
        try:
            got = self.client.get_object(Bucket=self.bucket, Key=self.key(sha256, variant))
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in _MISSING:
                return None
            raise
        return got["Body"].read(), got.get("ContentType") or "application/octet-stream"

    def exists(self, sha256: str, variant: str) -> bool:
        if variant not in OBJECTS or _SHA.match(sha256) is None:
            return False
        try:
            self.client.head_object(Bucket=self.bucket, Key=self.key(sha256, variant))
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in _MISSING:
                return False
            raise
        return True

    def has(self, sha256: str) -> bool:
        return all(self.exists(sha256, variant) for variant in VARIANTS)

    def _objects(self, prefix: str) -> Iterator[dict[str, Any]]:
        for page in self.client.get_paginator("list_objects_v2").paginate(Bucket=self.bucket, Prefix=prefix):
            yield from page.get("Contents", [])

    def delete(self, sha256: str) -> None:
        keys = [
            {"Key": item["Key"]} for item in self._objects(f"{self.prefix}{sha256[:2]}/{check_sha(sha256)}/")
        ]
        if keys:
            self.client.delete_objects(Bucket=self.bucket, Delete={"Objects": keys, "Quiet": True})

    def remove(self, sha256: str, variant: str) -> None:
        """Delete one object (an upload's bytes once its variants exist); missing is fine."""
        try:
            self.client.delete_object(Bucket=self.bucket, Key=self.key(sha256, variant))
        except (BotoCoreError, ClientError) as error:
            refused = f"object storage refused to delete {sha256[:12]}/{variant}: {error}"
            raise StorageUnreachable(refused) from error

    def held_shas(self) -> Iterator[str]:
        """The folders that still hold an upload's bytes."""
        for item in self._objects(self.prefix):
            parts = item["Key"][len(self.prefix) :].split("/")
            if len(parts) == 3 and _SHA.match(parts[1]) and parts[2] == HELD:
                yield parts[1]

    def all_shas(self) -> Iterator[str]:
        seen = None
        for item in self._objects(self.prefix):  # listed in key order, so one sha's variants come together
            parts = item["Key"][len(self.prefix) :].split("/")
            if len(parts) == 3 and _SHA.match(parts[1]) and parts[1] != seen:
                seen = parts[1]
                yield seen

    def modified_at(self, sha256: str) -> float | None:
        stamps = [
            item["LastModified"].timestamp()
            for item in self._objects(f"{self.prefix}{sha256[:2]}/{check_sha(sha256)}/")
        ]
        return max(stamps) if stamps else None

    def signed_url(self, sha256: str, variant: str, expires_s: int, cache_control: str) -> str | None:
        """A GET URL valid for `expires_s`; the store answers it with our Cache-Control, not its own."""
        return self.url_client.generate_presigned_url(
            "get_object",
            ExpiresIn=int(expires_s),
            Params={
                "Bucket": self.bucket,
                "Key": self.key(sha256, variant),
                "ResponseCacheControl": cache_control,
            },
        )

    def check(self) -> None:
        """Raise OSError unless the bucket answers."""
        try:
            self.client.head_bucket(Bucket=self.bucket)
        except (BotoCoreError, ClientError) as error:
            raise StorageUnreachable(f"bucket {self.bucket!r} unreachable: {error}") from error

    def ensure_bucket(self) -> None:
        """Create the bucket if it is missing (deploy and tests; production buckets are usually made by
        hand)."""
        try:
            self.client.head_bucket(Bucket=self.bucket)
        except ClientError:
            self.client.create_bucket(Bucket=self.bucket)
