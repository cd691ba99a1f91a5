"""Scratch PostgreSQL databases for the benchmarks, on the local server (`BENCH_PG_ADMIN_DSN`): made empty
or as a copy of a kept template, and dropped (WITH FORCE: a bench's app may still hold connections)."""

from __future__ import annotations

import os
import uuid

import psycopg

PG_ADMIN = os.environ.get("BENCH_PG_ADMIN_DSN", "postgresql://postgres@127.0.0.1:5432/postgres")


def admin(sql: str) -> None:
    """One statement on the admin database, outside a transaction (CREATE/DROP DATABASE need that)."""
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        conn.execute(sql)  # names are ours, made below, never user input


def url_of(name: str) -> str:
    return PG_ADMIN.rsplit("/", 1)[0] + f"/{name}"


def exists(name: str) -> bool:
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        return conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone() is not None


def create(prefix: str, template: str | None = None) -> str:
    """A new database named `<prefix>_<random>` (a copy of `template` when given); its name."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    # FILE_COPY copies a large template's files instead of writing them all through the WAL
    admin(f'CREATE DATABASE "{name}"' + (f' TEMPLATE "{template}" STRATEGY FILE_COPY' if template else ""))
    return name


def drop(name: str) -> None:
    admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
