"""`flask ocr work|requeue|status|celery-worker`: run and inspect the OCR job queue."""

from __future__ import annotations

import signal
import threading
from contextlib import contextmanager
from typing import Any, Iterator

import click
from flask import current_app
from flask.cli import AppGroup
from sqlalchemy import select

from leaflets import runtime
from leaflets.extensions import db
from leaflets.models import LeafletImage, OcrStatus
from leaflets.ocr_queue import jobs
from leaflets.ocr_queue.settings import QueueSettings
from leaflets.ocr_queue.variants import VariantWorker
from leaflets.ocr_queue.worker import Wakeup, Worker, run_in_thread

ocr_cli = AppGroup("ocr", help="Run and inspect the OCR job queue.")


def _settings() -> QueueSettings:
    return QueueSettings.from_config(current_app.config)


@contextmanager
def _stop_on_signals(worker: Worker) -> Iterator[None]:
    """SIGTERM/SIGINT finish the job in hand, then stop; a second SIGINT interrupts at once."""

    def stop(signum: int, _frame: Any) -> None:
        click.echo("Stopping after the current job…", err=True)
        worker.wakeup.stop()
        if signum == signal.SIGINT:
            signal.signal(signal.SIGINT, previous[signal.SIGINT])

    if threading.current_thread() is not threading.main_thread():  # signals reach the main thread only
        yield
        return
    previous = {signum: signal.signal(signum, stop) for signum in (signal.SIGTERM, signal.SIGINT)}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


@ocr_cli.command("work")
@click.option("--once", is_flag=True, help="Run the jobs that are due now, then exit instead of waiting.")
@click.option("--max-jobs", type=click.IntRange(min=1), help="Exit after running this many jobs.")
@click.option("--name", default="cli", show_default=True, help="Worker name recorded as the lease owner.")
@click.option(
    "--variants/--no-variants",
    default=True,
    show_default=True,
    help="Also make uploaded photos' variants, in a second thread (IMAGE_VARIANTS=background).",
)
def work(once: bool, max_jobs: int | None, name: str, variants: bool) -> None:
    """Run a standalone OCR worker (safe alongside other workers, threads and Celery)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    worker = Worker(app, _settings(), name)
    variant_thread = None
    if variants and app.config["IMAGE_VARIANTS"] == "background":
        # photos first: OCR cannot read an image before its master exists
        variant_worker = VariantWorker(app, name, worker.wakeup)
        if once:
            variant_worker.run(stop_when_idle=True)
        else:
            variant_thread = run_in_thread(variant_worker, f"variant-worker-{name}")
    with _stop_on_signals(worker):
        ran = worker.run(max_jobs=max_jobs, stop_when_idle=once)
    if variant_thread is not None:
        worker.wakeup.stop()
        variant_thread.join(30)
    click.echo(f"Ran {ran} OCR job{'s' if ran != 1 else ''}.")


@ocr_cli.command("requeue")
@click.option("--failed", "failed_only", is_flag=True, help="Only images whose OCR failed.")
@click.option("--leaflet", "leaflet_id", type=int, help="Images of this leaflet.")
@click.option("--image", "image_ids", type=int, multiple=True, help="This image (repeatable).")
def requeue(failed_only: bool, leaflet_id: int | None, image_ids: tuple[int, ...]) -> None:
    """Run OCR again for failed or chosen images, with a fresh attempt budget."""
    if not (failed_only or leaflet_id or image_ids):
        raise click.UsageError("Say what to requeue: --failed, --leaflet ID and/or --image ID.")
    requeued = jobs.requeue(image_ids=image_ids, leaflet_id=leaflet_id, failed_only=failed_only)
    if requeued and current_app.config["OCR_QUEUE"] == "celery":
        runtime.ocr_queue().enqueue(requeued)
    # Local worker threads live in the web app's process: they find the rows within OCR_POLL_S.
    click.echo(
        f"Requeued {len(requeued)} image{'s' if len(requeued) != 1 else ''}"
        + (f": {', '.join(map(str, requeued))}." if requeued else ".")
    )


@ocr_cli.command("status")
@click.option(
    "--failures",
    type=click.IntRange(min=0),
    default=10,
    show_default=True,
    help="List this many failed images with their reasons.",
)
def status(failures: int) -> None:
    """Show how many images are pending, running, done and failed."""
    counts = jobs.counts(_settings())
    click.echo("  ".join(f"{name}: {counts.by_status.get(name, 0)}" for name in OcrStatus))
    click.echo(
        f"due now: {counts.due_now}  expired leases: {counts.expired_leases}  oldest pending: "
        f"{counts.oldest_pending.isoformat(timespec='seconds') + 'Z' if counts.oldest_pending else '-'}"
    )
    query = (
        select(LeafletImage)
        .where(LeafletImage.ocr_status == OcrStatus.FAILED)
        .order_by(LeafletImage.ocr_finished_at.desc())
        .limit(failures)
    )
    for image in db.session.scalars(query):
        click.echo(
            f"failed image {image.id} (leaflet {image.leaflet_id}, {image.ocr_attempts} attempts): "
            f"{image.ocr_error}"
        )


@ocr_cli.command("celery-worker", context_settings={"ignore_unknown_options": True})
@click.argument("celery_args", nargs=-1, type=click.UNPROCESSED)
def celery_worker(celery_args: tuple[str, ...]) -> None:
    """Run a Celery OCR worker for this app (OCR_QUEUE=celery); extra arguments go to `celery worker`."""
    if current_app.config["OCR_QUEUE"] != "celery":
        raise click.UsageError("Set OCR_QUEUE=celery to run a Celery worker.")
    from celery.signals import worker_process_init

    app = current_app._get_current_object()  # type: ignore[attr-defined]

    def fresh_connections(**_kwargs: Any) -> None:
        """A forked pool process must not share the parent's database connections."""
        with app.app_context():
            db.engine.dispose(close=False)

    worker_process_init.connect(fresh_connections, weak=False)
    if app.config["IMAGE_VARIANTS"] == "background":
        # load: uploaded photos' variants are made here too (a thread of the main process); each one made
        # wakes the queue, whose sweep sends the OCR task its image could not run before
        run_in_thread(VariantWorker(app, "celery", Wakeup()), "variant-worker-celery")
    runtime.ocr_queue().celery.worker_main(["worker", "--loglevel=INFO", *celery_args])
