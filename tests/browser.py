"""What every browser test shares: a ganache node with the contract, the platform under
gunicorn on a free loopback port, and headless Chromium whose pages report every
Content-Security-Policy violation; plus signing in, screenshots and an axe-core check.

Import the fixtures into a test module (``from tests.browser import browser, chain, server``).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from appraisals.services.catalog import catalog_load
from tests.servers import BIN, ROOT, child_env, free_port, port_open, started, wait_for

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
    "--no-first-run",
]  # fmt: skip
ARTIFACTS_ROOT = ROOT / "test-artifacts"


@pytest.fixture
def chain(tmp_path: Path, settings):  # noqa: ANN001, ANN201
    """A ganache node with the AnchorLog contract deployed and recorded."""
    from provenance.anchoring import contract_deploy, web3_get
    from provenance.tests.conftest import Ganache

    node = Ganache(tmp_path / "ganache")
    node.start()
    settings.ETH_RPC_URL = settings.ETH_PUBLIC_RPC_URL = node.rpc_url
    try:
        contract_deploy(w3=web3_get(node.rpc_url))
        yield node
    finally:
        node.stop()


@pytest.fixture
def server(media_root: Path, tmp_path: Path, active_model, settings, chain):  # noqa: ANN001, ANN201
    catalog_load()
    port = free_port()
    cmd = [
        str(BIN / "gunicorn"), "authplatform.wsgi:application", "--bind", f"127.0.0.1:{port}",
        "--workers", "1", "--threads", "4",
    ]  # fmt: skip
    env = child_env(
        media_root,
        ML_MODELS_DIR=str(settings.ML_MODELS_DIR),
        ETH_RPC_URL=chain.rpc_url,
        ETH_PUBLIC_RPC_URL=chain.rpc_url,
        # One platform key for the server and this test process, which signs a second seat.
        AUTHPLATFORM_TEST_SIGNING_KEY=settings.REPORT_SIGNING_KEY,
    )
    with started(cmd, env, tmp_path / "web.log") as process:
        wait_for(lambda: port_open(port), 30, "gunicorn to listen")
        yield f"http://127.0.0.1:{port}"
        assert process.poll() is None, (tmp_path / "web.log").read_text()


# Each page reports what the Content-Security-Policy blocked (scripts, handlers, eval, fetches)
# to its console, where Chromium's own "Refused to ..." lines also go.
REPORT_CSP_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`CSP violation: ${event.violatedDirective} blocked ${event.blockedURI}`
    + ` at ${event.sourceFile}:${event.lineNumber}`);
});
"""


class CspWatchedBrowser:
    """The browser, whose pages record every Content-Security-Policy violation."""

    def __init__(self, browser) -> None:  # noqa: ANN001
        self._browser = browser
        self.violations: list[str] = []

    def new_page(self, **options):  # noqa: ANN003, ANN201
        page = self._browser.new_page(**options)
        page.add_init_script(REPORT_CSP_VIOLATIONS)
        page.on("console", lambda message: self._console(page, message))
        return page

    def _console(self, page, message) -> None:  # noqa: ANN001
        text = message.text
        if message.type == "error" and ("CSP violation" in text or "Refused to" in text):
            self.violations.append(f"{page.url}: {text}")

    def __getattr__(self, name: str):  # noqa: ANN204
        return getattr(self._browser, name)


@pytest.fixture
def browser(monkeypatch: pytest.MonkeyPatch):  # noqa: ANN201
    # Playwright's sync API runs an event loop in this thread; the test's own ORM reads are
    # still plain synchronous code, which Django's documented escape hatch allows.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    if not Path(CHROMIUM).exists():
        pytest.fail("Chromium is missing: apt-get install -y chromium (see .ci/run)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        watched = CspWatchedBrowser(chromium)
        try:
            yield watched
        finally:
            chromium.close()
        assert not watched.violations, "\n".join(watched.violations)


AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
# What the product promises: no serious or critical violation (the WCAG 2.1 AA rule set).
AXE_RUN = """
axe.run(document, {runOnly: {type: "tag", values: ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa",
  "best-practice"]}, resultTypes: ["violations"]}).then(r => JSON.stringify(r.violations.filter(
  v => v.impact === "serious" || v.impact === "critical").map(v => ({id: v.id, impact: v.impact,
  help: v.help, nodes: v.nodes.slice(0, 5).map(n => n.target.join(" "))}))))
"""


def axe_violations(page: Any) -> list[dict[str, Any]]:
    """The page's serious and critical axe-core violations (axe-core from npm, injected through
    the DevTools protocol, so the page's Content-Security-Policy stays as it is)."""
    if not AXE.exists():
        pytest.fail("axe-core is missing: run `npm ci` (make test does)")
    if not page.evaluate("typeof axe !== 'undefined'"):
        page.evaluate(AXE.read_text(encoding="utf-8") + "\n;0")
    return list(json.loads(page.evaluate(AXE_RUN)))


def assert_accessible(page: Any, name: str) -> None:
    found = axe_violations(page)
    assert found == [], f"{name}: " + json.dumps(found, indent=1, ensure_ascii=False)


def sign_in(page: Any, base: str, email: str, password: str) -> None:
    """Through the site's own sign-in form."""
    page.goto(f"{base}/account/login/")
    page.fill("input[name=username]", email)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_load_state()
