"""The generated campaign (tests/hostile/campaign.py): ≥ 1,000 malformed inputs, in a fresh
process, give 0 escaped exceptions, 0 tracebacks, 0 internal errors, no exception class names
in messages, and a peak memory (resource.getrusage of that process) under 1 GB."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

CAMPAIGN = Path(__file__).with_name("campaign.py")


@pytest.mark.timeout(600)
def test_campaign_of_malformed_inputs():
    done = subprocess.run([sys.executable, str(CAMPAIGN), "--seed", "11"], capture_output=True, text=True,
                          timeout=580)
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout)
    print(json.dumps(result, ensure_ascii=False))  # the figures, for the log
    assert result["inputs"] >= 1000
    assert len(result["families"]) >= 12
    assert result["escaped"] == []
    assert result["internal_errors"] == []
    assert result["tracebacks_logged"] == [] and not result["traceback_printed"]
    assert result["messages_with_class_names"] == []
    assert result["peak_rss_mb"] < 1024
    assert result["codes"].get("ok", 0) > 100  # the mutations still leave many readable drafts
    assert result["codes"].get("input.malicious", 0) >= 10  # the bombs are caught as such
