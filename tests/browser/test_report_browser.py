"""Open the HTML report in headless Chromium, offline, and check what a person sees.

Chromium is driven over the DevTools protocol on a pipe (``--remote-debugging-pipe``:
JSON messages ending in NUL on file descriptors 3 and 4), so the test needs no
browser download and no Python package beyond the standard library. The network is
cut (proxy to a closed port, every host unresolvable) and any request other than
``file:``/``data:`` fails the test, as does any console error, uncaught exception
or Content-Security-Policy violation.
"""

from __future__ import annotations

import base64
import fcntl
import importlib.util
import json
import os
import select
import shutil
import subprocess
import time
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
BROWSERS = ("chromium", "chromium-browser", "google-chrome")
# A guard against a hung browser, not a speed check: a healthy run takes seconds.
STUCK_S = 120.0


def find_browser() -> str | None:
    for name in BROWSERS:
        path = shutil.which(name)
        if path:
            return path
    return None


def load_fixture_module():
    """The hand-built candidates and events of tests/discover/test_html.py."""
    path = ROOT / "tests" / "discover" / "test_html.py"
    spec = importlib.util.spec_from_file_location("deskmine_html_fixture", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


class Browser:
    """A headless Chromium spoken to over the DevTools pipe, one page at a time."""

    def __init__(self, executable: str, profile: Path) -> None:
        to_browser_r, self._to_browser = os.pipe()
        self._from_browser, from_browser_w = os.pipe()

        def plumb() -> None:  # the browser reads commands on fd 3, answers on fd 4
            # Lift both ends above 4 first: a pipe end may itself be fd 3 or 4.
            reader = fcntl.fcntl(to_browser_r, fcntl.F_DUPFD, 10)
            writer = fcntl.fcntl(from_browser_w, fcntl.F_DUPFD, 10)
            os.dup2(reader, 3)  # dup2 makes 3 and 4 inheritable
            os.dup2(writer, 4)

        args = [
            executable,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-extensions",
            "--no-first-run",
            "--no-default-browser-check",
            "--proxy-server=127.0.0.1:9",
            "--host-resolver-rules=MAP * ~NOTFOUND",
            f"--user-data-dir={profile}",
            "--remote-debugging-pipe",
            "about:blank",
        ]
        self.process = subprocess.Popen(
            args,
            preexec_fn=plumb,
            close_fds=False,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        os.close(to_browser_r)
        os.close(from_browser_w)
        self._buffer = b""
        self._next_id = 0
        self.events: list[dict] = []
        self.session: str | None = None
        self.target: str | None = None

    def send(
        self, method: str, params: dict | None = None, session: bool = True
    ) -> dict:
        """Send one command and return its result, keeping events seen meanwhile."""
        self._next_id += 1
        message = {"id": self._next_id, "method": method, "params": params or {}}
        if session and self.session:
            message["sessionId"] = self.session
        os.write(self._to_browser, json.dumps(message).encode("utf-8") + b"\0")
        while True:
            reply = self._receive()
            if reply.get("id") == self._next_id:
                if "error" in reply:
                    raise RuntimeError(f"{method} failed: {reply['error']}")
                return reply["result"]
            self.events.append(reply)

    def wait_for(self, method: str) -> dict:
        """Wait for an event of this name from the page session."""
        while True:
            for k, event in enumerate(self.events):
                if event.get("method") == method:
                    return self.events.pop(k)
            self.events.append(self._receive())

    def _receive(self) -> dict:
        deadline = time.monotonic() + STUCK_S
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            ready, _, _ = select.select([self._from_browser], [], [], max(left, 0))
            if not ready:
                raise TimeoutError(f"chromium said nothing for {STUCK_S} s")
            chunk = os.read(self._from_browser, 1 << 20)
            if not chunk:
                raise RuntimeError("chromium closed the DevTools pipe")
            self._buffer += chunk
        raw, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(raw)

    def open(self, url: str) -> None:
        """Load `url` in a fresh tab; events (and problems) start empty."""
        if self.target:
            self.send("Target.closeTarget", {"targetId": self.target}, session=False)
        self.session = None
        target = self.send("Target.createTarget", {"url": "about:blank"}, session=False)
        self.target = target["targetId"]
        self.events = []
        attached = self.send(
            "Target.attachToTarget",
            {"targetId": target["targetId"], "flatten": True},
            session=False,
        )
        self.session = attached["sessionId"]
        for domain in ("Page", "Runtime", "Log", "Network"):
            self.send(f"{domain}.enable")
        self.send(
            "Emulation.setDeviceMetricsOverride",
            {
                "width": 1280,
                "height": 900,
                "deviceScaleFactor": 1,
                "mobile": False,
            },
        )
        self.send("Page.navigate", {"url": url})
        self.wait_for("Page.loadEventFired")

    def evaluate(self, expression: str) -> object:
        result = self.send(
            "Runtime.evaluate",
            {"expression": expression, "returnByValue": True, "awaitPromise": True},
        )
        if "exceptionDetails" in result:
            raise RuntimeError(f"page script failed: {result['exceptionDetails']}")
        return result["result"].get("value")

    def screenshot(self, path: Path, max_height: int = 12000) -> None:
        metrics = self.send("Page.getLayoutMetrics")
        size = metrics["cssContentSize"]
        clip = {
            "x": 0,
            "y": 0,
            "width": min(size["width"], 1280),
            "height": min(size["height"], max_height),
            "scale": 1,
        }
        shot = self.send(
            "Page.captureScreenshot",
            {"format": "png", "clip": clip, "captureBeyondViewport": True},
        )
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(shot["data"]))

    def problems(self) -> list[str]:
        """Console errors, uncaught exceptions, error log entries, network requests."""
        found = []
        for event in self.events:
            method, params = event.get("method"), event.get("params", {})
            if method == "Runtime.consoleAPICalled" and params["type"] in (
                "error",
                "assert",
                "warning",
            ):
                found.append(f"console {params['type']}: {params['args']}")
            elif method == "Runtime.exceptionThrown":
                found.append(f"uncaught: {params['exceptionDetails']}")
            elif method == "Log.entryAdded" and params["entry"]["level"] in (
                "error",
                "warning",
            ):
                found.append(f"log: {params['entry']['text']}")
            elif method == "Network.requestWillBeSent":
                url = params["request"]["url"]
                if not url.startswith(("file:", "data:", "about:")):
                    found.append(f"network request: {url}")
        return found

    def close(self) -> None:
        try:
            self.send("Browser.close", session=False)
        except (RuntimeError, OSError, TimeoutError):
            pass
        try:
            self.process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        os.close(self._to_browser)
        os.close(self._from_browser)


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    executable = find_browser()
    if executable is None:
        if os.environ.get("CI"):
            pytest.fail("CI must run the browser test: apt-get install -y chromium")
        pytest.skip(
            "chromium is not installed (apt-get install -y chromium); CI runs it"
        )
    instance = Browser(executable, tmp_path_factory.mktemp("chromium-profile"))
    yield instance
    instance.close()


def hand_built_report(directory: Path) -> tuple[Path, int]:
    fixture = load_fixture_module()
    candidates, events = fixture.build_fixture()
    events = fixture.protect_events(events, secret=fixture.SECRET)
    page = fixture.render(
        candidates, events, export_links={"Cinv": "bots/Cinv-copy-invoice"}
    )
    path = directory / "report.html"
    path.write_text(page, encoding="utf-8")
    return path, len(candidates)


def sample_sessions_report(directory: Path) -> tuple[Path, int]:
    from discover.config import Settings
    from discover.pipeline import analyse
    from discover.render.html import render_html
    from discover.report import report_from_analysis

    analysis = analyse([ROOT / "sample_sessions"], Settings())
    report = report_from_analysis(analysis, top=20)
    path = directory / "report.html"
    path.write_text(render_html(report, analysis.events), encoding="utf-8")
    return path, len(report.candidates)


@pytest.fixture(scope="module")
def report_file(tmp_path_factory):
    return hand_built_report(tmp_path_factory.mktemp("report"))


@pytest.mark.parametrize(
    ("build", "screenshot"),
    [
        (hand_built_report, "report-hand-built.png"),
        (sample_sessions_report, "report.png"),
    ],
    ids=["hand-built", "sample_sessions"],
)
def test_report_opens_offline_with_charts_and_no_console_errors(
    browser, tmp_path, build, screenshot
):
    path, n_candidates = build(tmp_path)
    browser.open(path.as_uri())
    state = browser.evaluate(
        """({
            ready: document.documentElement.dataset.ready,
            sections: document.querySelectorAll("section.candidate").length,
            charts: document.querySelectorAll("svg.chart").length,
            drawn: Array.from(document.querySelectorAll("svg.chart")).filter(
                (svg) => svg.getBBox().width > 0 && svg.querySelector("title")
            ).length,
            names: Array.from(document.querySelectorAll("svg.chart")).map(
                (svg) => svg.dataset.chart
            ),
        })"""
    )
    shot = ROOT / "artifacts" / screenshot
    browser.screenshot(shot)
    assert state["ready"] == "true"
    assert n_candidates >= 2
    assert state["sections"] == n_candidates
    assert state["charts"] == 5 + 2 * n_candidates
    assert state["drawn"] == state["charts"]
    assert state["names"][:5] == [
        "hours",
        "value-automatability",
        "app-time",
        "app-switches",
        "instances-over-time",
    ]
    assert browser.problems() == []
    assert shot.stat().st_size > 10_000


def test_clicking_a_header_sorts_the_ranking(browser, report_file):
    path, _ = report_file
    browser.open(path.as_uri())
    order = """Array.from(document.querySelectorAll("#ranking tbody tr"))
        .map((row) => row.dataset.rank).join(",")"""
    assert browser.evaluate(order) == "1,2"
    click = """document.querySelectorAll("#ranking th button")[8].click()"""
    browser.evaluate(click)  # Hours / month, ascending
    assert browser.evaluate(order) == "2,1"
    assert (
        browser.evaluate(
            'document.querySelectorAll("#ranking th")[8].getAttribute("aria-sort")'
        )
        == "ascending"
    )
    browser.evaluate(click)
    assert browser.evaluate(order) == "1,2"
    browser.evaluate(
        'document.querySelector("#ranking tbody a").click()'
    )  # the name links to its section
    assert browser.evaluate("location.hash") == "#cand-Cinv"
    assert browser.problems() == []


def test_the_harness_catches_console_errors_and_network_requests(browser, tmp_path):
    # Proves the checks above can fail: this page errs and tries the network.
    page = tmp_path / "bad.html"
    page.write_text(
        "<!DOCTYPE html><title>bad</title><img src='http://deskmine.invalid/x.png'>"
        "<script>console.error('boom'); undefinedFunction();</script>",
        encoding="utf-8",
    )
    browser.open(page.as_uri())
    problems = "\n".join(browser.problems())
    assert "boom" in problems
    assert "undefinedFunction" in problems
    assert "network request: http://deskmine.invalid/x.png" in problems


def test_the_policy_blocks_a_script_that_escaping_missed(browser, report_file):
    # Defence in depth: even markup slipped past the escaper must not run.
    path, _ = report_file
    page = path.read_text(encoding="utf-8").replace(
        "<h1>", "<script>document.title = 'pwned'</script><h1 style='color:red'>", 1
    )
    injected = path.with_name("injected.html")
    injected.write_text(page, encoding="utf-8")
    browser.open(injected.as_uri())
    assert browser.evaluate("document.title") == "deskmine report"
    assert browser.evaluate("document.documentElement.dataset.ready") == "true"
    problems = browser.problems()
    assert len(problems) == 2
    assert all("Content Security Policy" in p for p in problems)


def test_hostile_labels_do_not_break_the_layout(browser, tmp_path):
    # 2,000-character names, markup, RTL overrides: all text, all within the page.
    fixture = load_fixture_module()
    candidates, events = fixture.build_fixture(labels=fixture.HOSTILE)
    events = fixture.protect_events(events, secret=fixture.SECRET)
    path = tmp_path / "hostile.html"
    path.write_text(fixture.render(candidates, events), encoding="utf-8")
    browser.open(path.as_uri())
    overflowing = browser.evaluate(
        """Array.from(document.querySelectorAll("body *"))
            .filter((e) => !e.closest(".scroll"))
            .filter((e) => e.getBoundingClientRect().right > window.innerWidth)
            .map((e) => e.tagName)"""
    )
    assert overflowing == []
    assert browser.evaluate("document.querySelectorAll('script').length") == 1
    assert browser.problems() == []
