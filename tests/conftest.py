"""Shared test settings: a rule emitting a severity its declaration does not name fails loudly."""

import os

os.environ["REVIEWER_STRICT_RULES"] = "1"
