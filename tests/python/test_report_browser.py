"""The HTML report in a real browser: Debian's chromium, headless, driven by Playwright.

Opens the pages from disk and checks that they render with no console error and no
request beyond the file itself, that the SLO verdicts show red or green and every chart
and the diagram have a size, and that the print stylesheet applies. Screenshots and a
printed PDF are kept in build/test-artifacts/. scripts/setup.sh (run by the README's test command) installs
chromium and Playwright; the test is skipped, saying why, only when neither can be had.
"""

from __future__ import annotations

import pathlib
import re
import shutil

import pytest

import archsim as sim
from test_report import FAULTS, SLOS, build

ROOT = pathlib.Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "build" / "test-artifacts"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")

playwright = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed: run "
                                 "`bash scripts/setup.sh` (pip install playwright) for the browser test")
if CHROMIUM is None:
    pytest.skip("no chromium browser: run `bash scripts/setup.sh` (apt-get install chromium) for the browser test",
                allow_module_level=True)

MET, VIOLATED = "rgb(218, 251, 225)", "rgb(255, 235, 233)"  # --ok-bg and --bad-bg of the template


@pytest.fixture(scope="module")
def browser():
    with playwright.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        yield b
        b.close()


def _open(browser, path: pathlib.Path):
    """The page at ``path``, with the console errors, page errors and requests it made."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    seen = {"errors": [], "requests": []}
    page.on("console", lambda m: seen["errors"].append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: seen["errors"].append(str(e)))
    page.on("request", lambda r: seen["requests"].append(r.url))
    page.goto(path.as_uri(), wait_until="load")
    return page, seen


def _sizes(page, selector: str) -> list[tuple[float, float]]:
    return page.eval_on_selector_all(selector, "els => els.map(e => [e.getBoundingClientRect().width, "
                                               "e.getBoundingClientRect().height])")


def test_run_report_renders_in_chromium(browser, tmp_path):
    res = sim.run(build(), duration="8s", warmup="1s", seed=5, faults=FAULTS, slos=SLOS, progress=False)
    path = tmp_path / "run.html"
    res.to_html(path)
    page, seen = _open(browser, path)
    assert seen["errors"] == []
    assert seen["requests"] == [path.as_uri()]  # the page itself, nothing else
    # SLO verdicts, green when met and red when violated
    colours = page.eval_on_selector_all(".slo", "els => els.map(e => getComputedStyle(e).backgroundColor)")
    assert colours == [MET if met else VIOLATED for met in res.slos.met] and VIOLATED in colours
    assert page.locator(".slo .verdict").all_inner_texts() == [("MET" if m else "VIOLATED") for m in res.slos.met]
    # every chart and the diagram drawn with a size, the tables laid out
    charts = _sizes(page, "figure.chart > svg")
    assert len(charts) == 4 and all(w > 600 and h > 200 for w, h in charts), charts
    (w, h), = _sizes(page, "#architecture svg")
    assert w > 200 and h > 50
    assert page.locator(".component").count() == len(res.summary())
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=ARTIFACTS / "report-run.png", full_page=True)
    # the print stylesheet: full width, no screen margins, charts kept whole
    page.emulate_media(media="print")
    assert page.evaluate("getComputedStyle(document.body).maxWidth") == "none"
    assert page.eval_on_selector("figure.chart", "e => getComputedStyle(e).breakInside") == "avoid"
    assert (ARTIFACTS / "report-run.png").stat().st_size > 10_000
    pdf = page.pdf(format="A4", print_background=True)  # what File > Print makes
    (ARTIFACTS / "report-run.pdf").write_bytes(pdf)
    pages = max(int(n) for n in re.findall(rb"/Count (\d+)", pdf))  # the page tree's size
    assert pdf.startswith(b"%PDF") and pages >= 2
    page.close()


def test_sweep_report_renders_in_chromium(browser, tmp_path):
    sw = sim.sweep(build, params={"workers": [1, 2, 4]}, seeds=[1, 2], executor=None, progress=False,
                   duration="3s", warmup="1s")
    path = tmp_path / "sweep.html"
    sw.to_html(path, model=build())
    page, seen = _open(browser, path)
    assert seen["errors"] == [] and seen["requests"] == [path.as_uri()]
    charts = _sizes(page, "figure.chart > svg")
    assert len(charts) == 7 and all(w > 600 and h > 200 for w, h in charts), charts
    assert page.locator("#points tbody tr").count() == 3
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=ARTIFACTS / "report-sweep.png", full_page=True)
    page.close()
