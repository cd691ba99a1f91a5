"""gunicorn settings for `make run`: each worker process warms its caches before its first request
(leaflets/warmup.py), then starts the in-process OCR workers, so jobs left pending across a restart run
without waiting for the first visitor."""

# gunicorn answers a request line over 4094 bytes itself with a bare "URI Too Long". Let lines up to its
# bounded maximum (8190; 0 would mean unbounded reads) reach the app, which answers addresses over
# MAX_URL_LENGTH with the site's own 414 page.
limit_request_line = 8190


def post_worker_init(worker):  # noqa: ANN001 - gunicorn's hook signature
    import sys

    from leaflets import runtime  # imported here: the app is loaded by now
    from leaflets.serve import WEB_SWITCH_INTERVAL_S
    from leaflets.warmup import warm

    sys.setswitchinterval(WEB_SWITCH_INTERVAL_S)  # see leaflets/serve.py

    # before the first request: the index opened, the templates compiled (scale)
    warm(worker.wsgi, worker.notify)
    with worker.wsgi.app_context():
        queue = runtime.ocr_queue()
        if hasattr(queue, "start") and worker.wsgi.config["OCR_START_WORKERS"]:
            queue.start()


def worker_exit(server, worker):  # noqa: ANN001
    """On a graceful stop, let running OCR jobs finish instead of leaving them to expire their lease."""
    from leaflets.services_setup import shutdown

    shutdown(worker.wsgi)
