"""Debian's headless Chromium driven by Selenium, for every page a person opens.

One owner for the browser in the tests: ``chromium(...)`` starts the system ``chromium`` through
the system ``chromedriver`` (both installed by ``.ci/run``: packages ``chromium`` and
``chromium-driver``), at a phone's size by default, with the network blocked — every host name
but ``127.0.0.1``/``localhost`` fails to resolve, so a page that still fetches a CDN shows it
(``external_requests`` lists what the page tried). Tests skip with a clear reason where the
browser is not installed.

Usage::

    from browser import chromium, external_requests

    with chromium(width=390, height=844) as driver:
        driver.get(path.as_uri())
        assert not external_requests(driver)
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

PHONE = (390, 844)


def _binary(*names: str) -> str | None:
    for name in names:
        found = shutil.which(name)
        if found:
            return found
    return None


def require_chromium() -> tuple[str, str]:
    """Return the paths of chromium and chromedriver, or skip the test saying what is missing."""
    browser = _binary("chromium", "chromium-browser")
    driver = _binary("chromedriver")
    if browser is None or driver is None:
        pytest.skip(
            "Debian's chromium and chromium-driver are not installed (.ci/run installs them: "
            "apt-get install chromium chromium-driver)"
        )
    pytest.importorskip("selenium", reason="selenium is a dev dependency (make test installs it)")
    return browser, driver


@contextmanager
def chromium(
    width: int = PHONE[0],
    height: int = PHONE[1],
    *,
    block_network: bool = True,
    download_dir: Path | None = None,
) -> Iterator[Any]:
    """Start headless Chromium at ``width`` × ``height`` CSS pixels and yield the WebDriver.

    Parameters
    ----------
    width, height : int
        Window size in CSS pixels (a phone, 390 × 844, by default); the device scale is 1.
    block_network : bool
        Make every host but 127.0.0.1/localhost unresolvable, so nothing loads from the internet.
    download_dir : Path, optional
        Where downloads land.

    Yields
    ------
    selenium.webdriver.Chrome
        The driver; it is quit when the block ends.
    """
    browser, driver_path = require_chromium()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    opts.binary_location = browser
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--no-first-run",
        "--disable-extensions",
        "--allow-file-access-from-files",
        f"--window-size={width},{height}",
        "--force-device-scale-factor=1",
    ):
        opts.add_argument(arg)
    if block_network:
        opts.add_argument(
            "--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1, EXCLUDE localhost"
        )
        opts.add_argument("--proxy-server=http://127.0.0.1:9")
        opts.add_argument("--proxy-bypass-list=127.0.0.1;localhost")
    if download_dir is not None:
        opts.add_experimental_option("prefs", {"download.default_directory": str(download_dir)})
    driver = webdriver.Chrome(service=Service(executable_path=driver_path), options=opts)
    try:
        # the viewport, not the outer window, is what a phone has
        driver.execute_cdp_cmd(
            "Emulation.setDeviceMetricsOverride",
            {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600},
        )
        yield driver
    finally:
        driver.quit()


def external_requests(driver: Any) -> list[str]:
    """URLs the open page requested from anywhere but a local file or 127.0.0.1/localhost."""
    urls: list[str] = driver.execute_script(
        "return performance.getEntriesByType('resource').map(e => e.name)"
        ".concat([document.location.href]);"
    )
    local = ("file:", "data:", "blob:", "about:", "http://127.0.0.1", "http://localhost")
    return [u for u in urls if not u.startswith(local)]


def console_errors(driver: Any) -> list[str]:
    """JavaScript errors the page logged (``SEVERE`` browser-log entries)."""
    try:
        logs = driver.get_log("browser")
    except Exception:  # the log is not offered by every driver build
        return []
    return [e["message"] for e in logs if e.get("level") == "SEVERE"]
