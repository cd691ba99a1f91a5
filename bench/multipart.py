"""An upload's body as a phone's browser or app sends it: form fields, then each photo as a JPEG part."""

from __future__ import annotations

import uuid


def phone_upload(fields: dict[str, str], photos: list[bytes]) -> tuple[bytes, str]:
    """(body, Content-Type) of a multipart/form-data upload of `photos` named IMG_0.jpg, IMG_1.jpg..."""
    boundary = uuid.uuid4().hex
    parts = [
        f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
        for name, value in fields.items()
    ]
    for number, photo in enumerate(photos):
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="images"; '
            f'filename="IMG_{number}.jpg"\r\nContent-Type: image/jpeg\r\n\r\n'.encode()
            + photo
            + b"\r\n"
        )
    return b"".join(parts) + f"--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"
