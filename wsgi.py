"""WSGI entry point: `gunicorn wsgi:app`, `flask --app wsgi ...`."""

from leaflets import create_app

app = create_app()
