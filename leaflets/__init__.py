"""Straight Choice: the Flask application factory."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Mapping

from flask import Flask

from leaflets import config as config_module
from leaflets.request_body import UploadRequest


def create_app(config: Mapping[str, Any] | None = None) -> Flask:
    """Build the app: defaults, then environment, then `config`; no network, prompts or sleeps."""
    app = Flask(
        __name__,
        instance_relative_config=True,
        template_folder=str(config_module.PROJECT_ROOT / "templates"),
        static_folder=str(config_module.PROJECT_ROOT / "static"),
    )
    app.request_class = UploadRequest  # photos parsed in memory, in larger steps (request_body.py)
    instance_path = Path(app.instance_path)
    instance_path.mkdir(parents=True, exist_ok=True)
    app.config.update(config_module.build(instance_path, config, os.environ))

    from leaflets import (
        blueprints,
        cli,
        errors,
        extensions_setup,
        logging_setup,
        login_setup,
        routing,
        security,
        services_setup,
    )
    from leaflets.web import template_globals

    logging_setup.configure(app)
    extensions_setup.register(app)
    login_setup.register(app)
    security.register(app)
    routing.register(app)
    errors.register(app)
    blueprints.register(app)
    template_globals.register(app)
    cli.register(app)
    services_setup.register(app)
    return app
