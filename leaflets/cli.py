"""Register every CLI command on the app."""

from __future__ import annotations

from flask import Flask

from leaflets.commands import (
    alerts,
    compare,
    demo,
    export,
    maintenance,
    near_duplicates,
    ocr,
    reference,
    search,
    stats,
    storage,
    uploads,
    users,
)


def register(app: Flask) -> None:
    for command in (
        reference.load_reference_data,
        maintenance.leaflet_count,
        users.create_user,
        users.reset_link,
        uploads.sweep_uploads,
        demo.demo_data_command,
        ocr.ocr_cli,  # flask ocr work|requeue|status|celery-worker
        search.search_cli,  # flask search rebuild|check
        stats.stats_cli,
        export.export_cli,
        alerts.alerts_cli,  # flask stats|export|alerts ...
        compare.compare_cli,  # flask compare rebuild|update
        storage.storage_cli,
        storage.counts_cli,  # flask storage init|export|import, counts check
        near_duplicates.near_duplicates_cli,
    ):  # flask near-duplicates backfill
        app.cli.add_command(command)
