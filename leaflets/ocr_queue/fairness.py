"""Who queued an OCR job, so the queue can take turns between uploaders (jobs.claim_next).

Within one priority the next job is the oldest of the uploader served longest ago (or never): someone who
sends a hundred photos at once shares the worker with everyone else, instead of taking the next hundred turns.
"""

from __future__ import annotations

import hashlib

from flask import current_app, has_request_context, request

SYSTEM = "system"  # no request: the command line, demo data, imports


def submitter_key(uploader_id: int | None) -> str:
    """'user:<id>' for an account, 'addr:<hash>' for an anonymous client, else 'system'.

    The address is hashed (with the app's secret) so the queue stores no visitor's address."""
    if uploader_id is not None:
        return f"user:{uploader_id}"
    if not has_request_context():
        return SYSTEM
    address = request.remote_addr or "unknown"
    secret = str(current_app.config["SECRET_KEY"]).encode()
    return "addr:" + hashlib.blake2b(address.encode(), key=secret[:64], digest_size=12).hexdigest()
