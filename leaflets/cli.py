"""Register every CLI command on the app."""
from __future__ import annotations

from flask import Flask

from leaflets.commands import demo  # browse

from leaflets.commands import maintenance, reference, uploads


def register(app: Flask) -> None:
    app.cli.add_command(reference.load_reference_data)
    app.cli.add_command(maintenance.leaflet_count)
    # ocr: `flask ocr work|requeue|status|celery-worker`
    from leaflets.commands.ocr import ocr_cli
    app.cli.add_command(ocr_cli)
    # review and moderation (issue 5)
    from leaflets.commands import users
    app.cli.add_command(users.create_user)
    app.cli.add_command(uploads.sweep_uploads)
    app.cli.add_command(demo.demo_data_command)  # browse
    # search (issue 4): `flask search rebuild|check`
    from leaflets.commands.search import search_cli
    app.cli.add_command(search_cli)
    # findings: `flask stats refresh`, `flask alerts send`, `flask export dump`
    from leaflets.commands.stats import stats_cli
    app.cli.add_command(stats_cli)
    from leaflets.commands.export import export_cli
    app.cli.add_command(export_cli)
    from leaflets.commands.alerts import alerts_cli
    app.cli.add_command(alerts_cli)
    # compare (issue 12): `flask compare rebuild|update`
    from leaflets.commands.compare import compare_cli
    app.cli.add_command(compare_cli)
    from leaflets.commands.near_duplicates import near_duplicates_cli  # neardup
    app.cli.add_command(near_duplicates_cli)
