"""Security headers on every response; the real client address and scheme behind trusted proxies."""

from __future__ import annotations

from flask import Flask, Response
from werkzeug.middleware.proxy_fix import ProxyFix

CSP = (
    "default-src 'self'; img-src 'self' data: blob:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'"
)


def _trust_proxies(app: Flask) -> None:
    """Behind N proxies, take the client address and scheme from the last N X-Forwarded-* entries.

    Only as many hops as configured are believed, so a client cannot pick its own address (and rate-limit
    budget) by sending X-Forwarded-For itself. With no proxy configured the headers are ignored.
    """
    hops = int(app.config["TRUSTED_PROXIES"])
    if hops > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops)  # type: ignore[method-assign]


def register(app: Flask) -> None:
    _trust_proxies(app)
    hsts = f"max-age={int(app.config['HSTS_MAX_AGE_S'])}; includeSubDomains"
    over_https = app.config["PREFERRED_URL_SCHEME"] == "https"

    @app.after_request
    def add_security_headers(response: Response) -> Response:
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("Permissions-Policy", "geolocation=(), microphone=()")
        if over_https:
            response.headers.setdefault("Strict-Transport-Security", hsts)
        return response
