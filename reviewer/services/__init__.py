"""The flows every entry point shares (issue 15): submit a draft, submit a batch, link a draft to its
report as a new version, decide on a finding, set a report's status, rule statistics.

The API routes (``reviewer.api``), the web pages (``reviewer.web``) and the Celery tasks (``workers``)
call these functions and hold no business logic of their own. Services sit above the store and the
pipeline and never import the API or the web pages (import contracts in ``.importlinter``).
"""
