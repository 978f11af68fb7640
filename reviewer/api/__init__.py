"""HTTP API (FastAPI). ``create_app()`` in reviewer.api.app builds it."""
