"""The accessibility check of the browser journeys (issue 17): axe-core on every page a journey visits, 0 critical
and 0 serious violations.

axe-core comes bundled in `axe-playwright-python` (axe-core 4.12.1, MPL-2.0; no network needed). It is injected with
Playwright's `page.evaluate`, which goes through the DevTools protocol and is not subject to the page's
Content-Security-Policy (our CSP forbids inline scripts, so `add_script_tag(content=...)` would be refused); no
browser context is opened with `bypass_csp`.

Two kinds of check, both recorded per journey in test-artifacts/axe-<journey>.json:

- "live": the page as the journey sees it (after its scripts ran and the journey filled, opened or chose things),
  at each screenshot, after each `page.goto` and on the last page of the journey;
- "served": every HTML document the journey's browser received (also the ones a click or a form led to, and the
  forms sent back with errors), rendered again at the end in a fresh 390 px page fed the very same HTML, so that
  no page is missed and the journey itself is never slowed down or raced by the check.

Each URL is checked once per kind per journey (the first time). Violations of any impact are written; the journey
fails when one is critical or serious.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from axe_playwright_python.sync_playwright import Axe

ARTIFACTS = Path(os.environ.get("E2E_ARTIFACTS", "test-artifacts"))
BLOCKING = ("critical", "serious")
AXE_OPTIONS = {"resultTypes": ["violations"]}

_axe = Axe()


def violations_of(page: Any) -> list[dict[str, Any]]:
    """Run axe-core on the page as it is now; its violations as (id, impact, help, targets)."""
    response = _axe.run(page, options=AXE_OPTIONS).response
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "help_url": v.get("helpUrl", ""),
            "targets": [", ".join(map(str, node["target"])) for node in v["nodes"]],
        }
        for v in response["violations"]
    ]


def summary(findings: list[dict[str, Any]]) -> str:
    """One line per blocking violation: page, rule, impact, what to do, where."""
    lines = []
    for finding in findings:
        for v in finding["violations"]:
            if v["impact"] in BLOCKING:
                where = "; ".join(v["targets"][:3]) + (" …" if len(v["targets"]) > 3 else "")
                page = f"{finding['page']} ({finding['kind']})"
                lines.append(f"[{v['impact']}] {page}: {v['id']} — {v['help']} — {where}")
    return "\n".join(lines)


def assert_accessible(page: Any, name: str) -> None:
    """Fail now if the page as it is has critical or serious violations (for a one-off check inside a test)."""
    findings = [{"page": name, "kind": "live", "url": page.url, "violations": violations_of(page)}]
    problems = summary(findings)
    assert not problems, f"Accessibility (axe-core) on {name}:\n{problems}"


def _serve(html: str) -> Callable[[Any], None]:
    """A route handler answering with the HTML the journey received (without its CSP header: nothing is eval'd)."""

    def fulfill(route: Any) -> None:
        route.fulfill(status=200, body=html, content_type="text/html; charset=utf-8")

    return fulfill


def _path(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


class JourneyCheck:
    """What one journey's browser saw and what axe-core found on it."""

    def __init__(self, journey: str) -> None:
        self.journey = re.sub(r"[^A-Za-z0-9_.-]+", "-", journey).strip("-")  # a test id may hold [ / ]
        self.served: dict[str, str] = {}  # url -> HTML as received, first time only
        self.live_checked: set[str] = set()
        self.fragments: set[str] = set()  # documents that are not pages (no <html>): not checked
        self.scriptless: list[Any] = []  # contexts with JavaScript off: axe cannot run live there (served only)
        self.findings: list[dict[str, Any]] = []
        self.errors: list[str] = []

    # Watching ---------------------------------------------------------------------------------------------------
    def watch(self, page: Any) -> None:
        """Keep the HTML of every document this page receives, and check the page live after each goto."""
        page.on("response", self._keep)
        original_goto: Callable[..., Any] = page.goto

        def goto(url: str, **kwargs: Any) -> Any:
            response = original_goto(url, **kwargs)
            self.check_live(page)
            return response

        page.goto = goto

    def _keep(self, response: Any) -> None:
        try:
            request = response.request
            if request.resource_type != "document" or not 200 <= response.status < 300 or request.frame.parent_frame:
                return
            if "text/html" not in (response.headers.get("content-type") or ""):
                return
            if response.url not in self.served and response.url not in self.fragments:
                html = response.text()
                if html.lstrip()[:200].lower().startswith(("<!doctype", "<html")):
                    self.served[response.url] = html
                else:  # a piece of HTML for a script (the place picker's suggestions), not a page
                    self.fragments.add(response.url)
        except Exception as error:  # the page went on before its body could be read: said in the artifact
            self.errors.append(f"could not keep {response.url}: {error}")

    # Checking ---------------------------------------------------------------------------------------------------
    def check_live(self, page: Any, name: str | None = None) -> None:
        url = page.url
        if not url.startswith("http") or url in self.live_checked or url in self.fragments:
            return
        if any(page.context is context for context in self.scriptless):
            return
        self.live_checked.add(url)
        try:
            if page.evaluate("document.contentType") != "text/html":  # JSON or a file the journey opened
                return
            found = violations_of(page)
        except Exception as error:  # navigation under way: the served copy of the page is still checked
            self.errors.append(f"live check of {url} skipped: {error}")
            return
        self.findings.append({"page": name or _path(url), "kind": "live", "url": url, "violations": found})

    def check_served(self, browser: Any) -> None:
        """Render each document the journey received, as received, in a fresh phone-sized page, and check it."""
        if not self.served:
            return
        context = browser.new_context(viewport={"width": 390, "height": 844}, locale="es-MX")
        try:
            page = context.new_page()
            page.set_default_timeout(15_000)
            for url, html in self.served.items():
                page.unroute("**/*")
                page.route(url, _serve(html))
                try:
                    page.goto(url, wait_until="load")
                    found = violations_of(page)
                except Exception as error:
                    self.errors.append(f"served check of {url} failed: {error}")
                    continue
                self.findings.append({"page": _path(url), "kind": "served", "url": url, "violations": found})
        finally:
            context.close()

    # Reporting --------------------------------------------------------------------------------------------------
    def write(self) -> Path:
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        path = ARTIFACTS / f"axe-{self.journey}.json"
        blocking = sum(v["impact"] in BLOCKING for f in self.findings for v in f["violations"])
        path.write_text(
            json.dumps(
                {
                    "journey": self.journey,
                    "pages_checked": len(self.findings),
                    "blocking_violations": blocking,
                    "findings": self.findings,
                    "not_checked": self.errors,
                },
                ensure_ascii=False,
                indent=2,
            ),
            encoding="utf-8",
        )
        return path
