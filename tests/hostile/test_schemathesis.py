"""Issue 11, "Done when": schemathesis against the running API (uvicorn, PostgreSQL, a private
Redis, a worker) for every documented route finds no 5xx and no schema violation: statuses,
content types, headers and bodies as the OpenAPI document declares them. Bounded: a fixed seed
and a few examples per operation."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from reviewer.store.db import make_engine, migrate
from service_procs import RedisServer, Service, service_env
from service_support import make_tenant, pg_database

pytestmark = pytest.mark.timeout(420)
CHECKS = ("not_a_server_error,status_code_conformance,content_type_conformance,"
          "response_headers_conformance,response_schema_conformance")


def _schemathesis() -> list[str]:
    exe = Path(sys.executable).with_name("schemathesis")
    if exe.exists():
        return [str(exe)]
    found = shutil.which("schemathesis")
    assert found, "schemathesis is a test dependency (pip install -e '.[test]')"
    return [found]


def test_schemathesis_finds_no_5xx_and_no_schema_violation(tmp_path):
    redis_server = RedisServer(tmp_path)
    with pg_database() as db_url:
        engine = make_engine(db_url)
        migrate(engine)
        env = service_env(db_url, redis_server.url, REVIEWER_ADMIN_API_KEY="schemathesis-admin")
        svc = Service(env, tmp_path, concurrency=1, beat=False)
        try:
            key = make_tenant(engine, "模糊测试单位")["api_key"]
            done = subprocess.run(
                [*_schemathesis(), "run", f"{svc.url}/openapi.json", "--checks", CHECKS,
                 "-H", f"Authorization: Bearer {key}", "--max-examples", "25", "--seed", "11",
                 "--generation-deterministic", "--request-timeout", "30", "--no-color"],
                capture_output=True, text=True, timeout=380, cwd=tmp_path)
            report = done.stdout[-12000:] + done.stderr[-3000:]
            print(report)
            assert done.returncode == 0, report
            assert "Traceback" not in svc.api.text(), svc.api.text()[-4000:]
        finally:
            svc.stop()
            engine.dispose()
            redis_server.stop()
