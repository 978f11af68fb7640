import shutil
import sys
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE), str(HERE.parent)]  # drafts.py here, reportgen.py in tests/


@pytest.fixture(scope="session")
def txt_doc():
    """A generated draft in the flattened-table .txt layout (as in the wuhai sample)."""
    from reportgen import consistent_spec, to_txt_flattened

    from reviewer.ingest import read_bytes

    spec = consistent_spec(agency="乌海市工业和信息化局", year=2023, seed=3, zero_applications=False)
    return read_bytes(to_txt_flattened(spec), "gxj-2023.txt")


@pytest.fixture(scope="session")
def artifacts() -> Path:
    out = HERE.parents[1] / "test-artifacts"
    out.mkdir(exist_ok=True)
    return out


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver")


@pytest.fixture(scope="session")
def browser():
    if not (CHROMIUM and CHROMEDRIVER):
        pytest.skip("headless Chromium not installed (apt-get install chromium chromium-driver) — browser check skipped")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
                 "--window-size=1400,800"):
        opts.add_argument(flag)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=opts)
    try:
        yield driver
    finally:
        driver.quit()  # stops chromedriver and the browser it started


