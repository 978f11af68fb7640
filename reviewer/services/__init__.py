"""The service layer: flows the API routes, the web pages and the Celery tasks share."""
