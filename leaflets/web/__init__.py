"""Server-rendered pages, one blueprint per user-facing area."""
