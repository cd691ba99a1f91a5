"""deploy/: the compose file names every service with a coherent environment, the systemd units run what
exists, and a backup restored into a fresh PostgreSQL database and a fresh bucket brings back a leaflet and
its photo."""

from __future__ import annotations

import configparser
import os
import shutil
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Callable

import psycopg
import pytest
import yaml
from flask import Flask

from leaflets import runtime
from leaflets.extensions import db
from leaflets.models import Leaflet
from tests.s3_support import s3_config, s3_server, s3_storage  # noqa: F401  (s3_server is a fixture)
from tests.support import DATABASES, PG_ADMIN_DSN, PG_BASE_URL, REPO, leaflet_image, multipart, upload_fields

DEPLOY = REPO / "deploy"
SERVICES = {"postgres", "redis", "minio", "migrate", "web", "ocr-worker"}
COMPOSE_ENV = {"POSTGRES_PASSWORD": "pw", "MINIO_PASSWORD": "minio-password", "SECRET_KEY": "s"}


def compose() -> dict:
    return yaml.safe_load((DEPLOY / "compose.yaml").read_text())


def test_the_compose_file_runs_every_part_on_the_scale_engines() -> None:
    spec = compose()
    services = spec["services"]
    assert set(services) == SERVICES
    for name, service in services.items():
        assert "image" in service or "build" in service, name
        for needed in service.get("depends_on", {}):
            assert needed in services, (name, needed)
    for name in ("web", "ocr-worker", "migrate"):
        env = services[name]["environment"]
        assert env["SEARCH_BACKEND"] == "postgres" and env["OCR_QUEUE"] == "celery" and env["STORAGE"] == "s3"
        assert "@postgres:5432/" in env["DATABASE_URL"] and env["CELERY_BROKER_URL"].startswith(
            "redis://redis:"
        )
        assert env["RATELIMIT_STORAGE_URI"].startswith(
            "redis://redis:"
        )  # limits shared by every worker process
        assert env["S3_ENDPOINT_URL"] == "http://minio:9000" and env["S3_BUCKET"]
        assert (REPO / services[name]["build"]["dockerfile"]).is_file()
    assert services["ocr-worker"]["command"][-4:-2] == ["ocr", "celery-worker"]
    assert "/healthz" in " ".join(services["web"]["healthcheck"]["test"])
    assert (
        "storage init" in services["migrate"]["command"][-1]
        and "db upgrade" in services["migrate"]["command"][-1]
    )
    # every variable the app reads from the compose environment is one the app knows
    from leaflets.config import _ENV

    assert set(services["web"]["environment"]) <= set(_ENV)


def test_docker_compose_accepts_the_file() -> None:
    docker = shutil.which("docker")
    if docker is None or subprocess.run([docker, "compose", "version"], capture_output=True).returncode != 0:
        pytest.skip("docker compose is not installed here; the YAML checks above still ran")
    result = subprocess.run(
        [docker, "compose", "-f", str(DEPLOY / "compose.yaml"), "config", "--format", "json"],
        capture_output=True,
        text=True,
        env={**os.environ, **COMPOSE_ENV},
    )
    assert result.returncode == 0, result.stderr
    import json

    assert set(json.loads(result.stdout)["services"]) == SERVICES
    missing = subprocess.run(
        [docker, "compose", "-f", str(DEPLOY / "compose.yaml"), "config"],
        capture_output=True,
        text=True,
        env={k: v for k, v in os.environ.items() if k not in COMPOSE_ENV},
    )
    assert (
        missing.returncode != 0 and "POSTGRES_PASSWORD" in missing.stderr
    )  # secrets are required, not defaulted


@pytest.mark.parametrize("unit", sorted(p.name for p in (DEPLOY / "systemd").glob("*.service")))
def test_the_systemd_units_run_commands_that_exist(unit: str) -> None:
    parser = configparser.ConfigParser(strict=False, interpolation=None)
    parser.read(DEPLOY / "systemd" / unit)
    service = parser["Service"]
    assert service["EnvironmentFile"] == "/etc/straight-choice/env" and service["User"] == "straight"
    command = service["ExecStart"].split()
    relative = command[0].removeprefix("/srv/straight-choice/")
    assert relative in (".venv/bin/gunicorn", ".venv/bin/flask") or (REPO / relative).is_file(), command[0]
    if "flask" in command[0]:
        assert command[1:3] == ["--app", "wsgi"]
    assert parser["Install"]["WantedBy"] if "Install" in parser else unit.endswith("backup.service")


def _run(script: str, env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [str(DEPLOY / script), *args],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=300,
        env={
            **os.environ,
            "FLASK": str(Path(sys.executable).with_name("flask")),
            "LOG_LEVEL": "WARNING",
            **env,
        },
    )
    assert result.returncode == 0, f"{script} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout.strip()


@pytest.mark.parametrize("database_url", [DATABASES[1]], indirect=True)
def test_a_backup_restores_into_a_fresh_database_and_bucket(
    app: Flask,
    s3_server: str,  # noqa: F811
    make_app: Callable[..., Flask],
    database_url: str,
    tmp_path: Path,
) -> None:
    source = make_app(**s3_config(s3_server, s3_storage(s3_server).bucket))
    with source.app_context():
        photo = leaflet_image(["RESTORE ME"], size=(400, 560))
        response = source.test_client().post(
            "/api/v1/leaflets",
            data=multipart(upload_fields(title="Survives a restore"), [(photo, "a.jpg")]),
            content_type="multipart/form-data",
        )
        assert response.status_code == 201, response.get_json()
        leaflet_id, key = response.get_json()["id"], response.get_json()["images"][0]["sha256"]
        master = runtime.storage().read(key, "master")
        env = {
            "DATABASE_URL": database_url,
            "SEARCH_BACKEND": "postgres",
            "INDEX_DIR": str(tmp_path / "index"),
            **{k: str(v) for k, v in s3_config(s3_server, source.config["S3_BUCKET"]).items()},
        }
    backup_dir = tmp_path / "backups"
    made = Path(_run("backup.sh", env, str(backup_dir)))
    assert (made / "database.dump").stat().st_size > 0 and (backup_dir / "latest").resolve() == made.resolve()
    assert sorted(p.name for p in (backup_dir / "objects" / key[:2] / key).iterdir()) == [
        "display.jpg",
        "master.jpg",
        "thumb.jpg",
    ]

    fresh_db = f"sc_t_restore_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(PG_ADMIN_DSN, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{fresh_db}"')
    try:
        fresh = {
            **env,
            "DATABASE_URL": f"{PG_BASE_URL}/{fresh_db}",
            "S3_BUCKET": f"sc-restore-{uuid.uuid4().hex[:8]}",
        }
        assert "restored" in _run("restore.sh", fresh, str(backup_dir))
        restored = make_app(
            SQLALCHEMY_DATABASE_URI=fresh["DATABASE_URL"],
            SEARCH_BACKEND="postgres",
            **s3_config(s3_server, fresh["S3_BUCKET"]),
        )
        with restored.app_context():
            leaflet = db.session.get(Leaflet, leaflet_id)
            assert leaflet is not None and leaflet.title == "Survives a restore"
            assert runtime.storage().read(key, "master") == master  # the same bytes, in the new bucket
            client = restored.test_client()
            page = client.get(f"/leaflets/{leaflet_id}").get_data(as_text=True)
            assert "Survives a restore" in page and key in page
            assert client.get(f"/images/{key}/display").status_code == 302  # served from the new bucket
            assert client.get("/healthz").status_code == 200
            db.session.remove()
            db.engine.dispose()
    finally:
        with psycopg.connect(PG_ADMIN_DSN, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{fresh_db}" WITH (FORCE)')
