"""The HTML report (archsim.report): valid HTML, nothing fetched from the network, what the
page shows for a run, replications and a sweep, the CLI's --html, the atomic write."""

from __future__ import annotations

import os
import pathlib

import pandas as pd
import pytest

import archsim as sim
from archsim import report
from archsim.cli import main
from conftest import check_fingerprint
from report_checks import network_urls, parse_strict

SVG = "{http://www.w3.org/2000/svg}"  # html5lib puts inline SVG in its namespace

pytest.importorskip("matplotlib")
pytest.importorskip("jinja2")


def build(workers: int = 4) -> sim.Model:
    """A cache in front of a database behind an API: every kind of figure the tables show."""
    m = sim.Model("shop")
    m.description = "A small shop.\n\nUsed by the report tests."
    db = m.service("db", instances=2, workers=workers, service_time=sim.Exp("2ms"))
    cache = m.cache("cache", backend=db, capacity=500, ttl="2s")
    api = m.service("api", instances=2, workers=8, service_time=sim.Exp("1ms"), calls=[sim.Call(cache)])
    m.client("web", target=api, workload=sim.Open(rate=400), keys=sim.Zipf(2000, 0.9))
    return m


SLOS = [sim.SLO("web", availability=0.999), sim.SLO("web", percentile=99, threshold="50ms")]
FAULTS = [sim.Crash("db[0]", at="3s", duration="2s")]


@pytest.fixture(scope="module")
def run_page(tmp_path_factory):
    res = sim.run(build(), duration="8s", warmup="1s", seed=5, faults=FAULTS, slos=SLOS, progress=False)
    path = tmp_path_factory.mktemp("report") / "run.html"
    res.to_html(path)
    text = path.read_text(encoding="utf-8")
    return res, text, parse_strict(text)


def _text(e) -> str:
    return " ".join("".join(e.itertext()).split())


def _by_class(tree, cls: str) -> list:
    return [e for e in tree.iter() if isinstance(e.tag, str) and cls in (e.get("class") or "").split()]


def test_the_network_url_check_finds_what_a_browser_would_fetch():
    page = ('<!DOCTYPE html><html><head><title>t</title><style>body{background:url("https://x/a.png")}</style>'
            '</head><body><img src="http://x/b.png" alt=""><a href="//cdn.x/c.js">c</a>'
            '<svg><use xlink:href="https://x/d.svg#i"></use><rect style="fill:url(#ok)"></rect></svg>'
            '<a href="#ok">ok</a><img src="data:image/png;base64,AA==" alt=""></body></html>')
    found = network_urls(parse_strict(page))
    assert len(found) == 4, found
    assert not network_urls(parse_strict(page.replace("https://x", "#x").replace("http://x", "data:,x")
                                         .replace("//cdn.x", "#cdn")))


def test_strict_parsing_rejects_broken_html_and_duplicate_ids():
    with pytest.raises(Exception):
        parse_strict("<!DOCTYPE html><html><head><title>t</title></head><body><p><div></p></body></html>")
    with pytest.raises(AssertionError, match="ids used more than once"):
        parse_strict('<!DOCTYPE html><html><head><title>t</title></head><body><p id="a"></p><p id="a"></p>'
                     '</body></html>')


def test_run_report_is_valid_self_contained_html(run_page):
    _, text, tree = run_page
    assert text.startswith("<!DOCTYPE html>")
    assert network_urls(tree) == []
    tags = {e.tag for e in tree.iter() if isinstance(e.tag, str)}
    assert not tags & {"script", "link", "iframe", "object", "embed", "img"}  # nothing to fetch or run
    assert "<?xml" not in text and "<!DOCTYPE svg" not in text  # SVG prologs stripped for inlining


def test_run_report_shows_identity_slos_tables_and_charts(run_page):
    res, text, tree = run_page
    facts = dict(zip([_text(e) for e in tree.iter("dt")], [_text(e) for e in tree.iter("dd")]))
    assert facts["model"] == "shop" and facts["seed"] == "5"
    assert facts["fingerprint"] == res.fingerprint()
    assert facts["archsim version"] == sim.__version__
    assert facts["simulated time"].startswith("8 s (warm-up 1 s, measured 7 s)")
    assert facts["wall time"].endswith(" s") and res.wall_seconds > 0
    assert [_text(p) for p in _by_class(tree, "description")[0].iter("p")] == ["A small shop.",
                                                                                "Used by the report tests."]
    # SLO verdicts: one card each, red or green as the run judged them
    cards = _by_class(tree, "slo")
    verdicts = res.slos
    assert [c.get("data-verdict") for c in cards] == ["met" if m else "violated" for m in verdicts.met]
    assert "violated" in [c.get("data-verdict") for c in cards]  # the crash spends the availability budget
    budget = f"{verdicts.budget_consumed.iloc[0]:.0%}"
    card = dict(zip([_text(e) for e in cards[0].iter("dt")], [_text(e) for e in cards[0].iter("dd")]))
    assert card["error budget used"] == budget and card["compliance"] == f"{100 * verdicts.compliance.iloc[0]:.4g} %"
    # a table per component, clients first, with the figures of the run
    tables = _by_class(tree, "component")
    names = [_text(t.find("h3")).split()[0] for t in tables]
    assert names[0] == "web" and sorted(names) == sorted(res.summary().component)
    rows = {name: {_text(tr[0]): _text(tr[1]) for tr in t.iter("tr") if tr[0].tag == "td"}
            for name, t in zip(names, tables)}
    assert rows["web"]["p99 (ms)"] == report._cell(res.component("web")["p99"], None, "ms")
    assert rows["web"]["throughput (/s)"] == report._cell(res.component("web")["throughput"], None, "/s")
    assert rows["cache"]["cache hit ratio (%)"] == report._cell(res.component("cache")["hit_ratio"], None, "%")
    assert rows["db"]["utilisation (%)"] == report._cell(res.component("db")["utilisation"], None, "%")
    assert int(rows["web"]["errors: unavailable"].replace(",", "")) == res.component("web")["errors_unavailable"] > 0
    assert "errors: timeout" not in rows["web"]  # error kinds that never happened are left out
    # the fault log, and every chart as inline SVG with its fault window labelled
    assert "crash" in _text(tree.find(".//section[@id='faults']")) and "db[0]" in text
    charts = {f.get("data-chart"): f for f in _by_class(tree, "chart")}
    assert list(charts) == ["cdf", "ts-throughput", "ts-p99", "ts-errors"]
    for key, fig in charts.items():
        assert fig.find(f"{SVG}svg") is not None, key
    for key in ("ts-throughput", "ts-p99", "ts-errors"):
        assert "crash db[0]" in _text(charts[key].find(f"{SVG}svg")), key  # the shaded window's label


def test_architecture_diagram_is_the_graph_the_python_api_draws(run_page, monkeypatch, tmp_path):
    res, _, tree = run_page
    svg = tree.find(f".//section[@id='architecture']//{SVG}svg")
    assert svg is not None
    dot = res.source.to_dot()
    groups = [g.get("class") for g in svg.iter(f"{SVG}g")]
    assert groups.count("node") == dot.count("[label=") == 4 and groups.count("edge") == dot.count("->") == 3
    assert set(res.source.components) <= {_text(t) for t in svg.iter(f"{SVG}text")}  # each node labelled by its name
    # without graphviz the page shows the DOT text instead
    monkeypatch.setattr("archsim.plots.shutil.which", lambda name: None)
    res.to_html(tmp_path / "dot.html")
    tree = parse_strict((tmp_path / "dot.html").read_text())
    pre = [e for e in _by_class(tree, "diagram-dot")]
    assert len(pre) == 1 and _text(pre[0]) == " ".join(res.source.to_dot().split())


def test_same_run_same_page_but_for_the_wall_time(run_page, tmp_path):
    res, text, _ = run_page
    again = sim.run(build(), duration="8s", warmup="1s", seed=5, faults=FAULTS, slos=SLOS, progress=False)
    again.wall_seconds = res.wall_seconds
    again.to_html(tmp_path / "again.html")
    assert (tmp_path / "again.html").read_text(encoding="utf-8") == text


def test_consistency_figures_get_rows_when_the_result_has_them():
    ops = ["all"] * 3 + ["read"] * 3 + ["write"] * 3
    tidy = pd.DataFrame({"component": ["db"] * 9, "kind": ["store"] * 9, "op": ops,
                         "metric": ["throughput", "stale_read_ratio", "staleness_p99"] * 3,
                         "mean": [100.0, 0.25, 0.012, 80.0, 0.25, 0.012, 20.0, 0.25, 0.012],
                         "half_width": [12.345, 0.01234, float("nan")] * 3})
    (table,) = report._component_tables(tidy)
    assert table["ops"] == ["all", "read", "write"]
    # figures of the whole component stand in its "all" column only
    assert [(r["label"], r["cells"]) for r in table["rows"]] == [
        ("throughput (/s)", ["100 ± 12", "80 ± 12", "20 ± 12"]), ("stale reads (%)", ["25 ± 1.2", "–", "–"]),
        ("staleness p99 (ms)", ["12", "–", "–"])]


def test_a_store_report_shows_its_consistency_figures(tmp_path):
    if not hasattr(sim.Model, "store"):
        pytest.skip("this build has no replicated store (Model.store), so no result has consistency figures")
    m = sim.Model("kv")
    db = m.store("db", replicas=3, mode="primary", read_policy="any", replication_delay="20ms", workers=1000)
    m.client("app", target=db, workload=sim.Open(rate=2000), keys=sim.UniformKeys(50),
             mix={"read": 0.75, "write": 0.25})
    res = sim.run(m, duration="3s", seed=4, progress=False)
    res.to_html(tmp_path / "kv.html")
    tree = parse_strict((tmp_path / "kv.html").read_text())
    (db_table,) = [t for t in _by_class(tree, "component") if _text(t.find("h3")).startswith("db ")]
    cells = {_text(tr[0]): _text(tr[1]) for tr in db_table.iter("tr") if tr[0].tag == "td"}
    c = res.consistency("db")
    assert c["stale_read_ratio"] > 0
    assert cells["stale reads (%)"] == report._cell(c["stale_read_ratio"], None, "%")
    assert cells["staleness p99 (ms)"] == report._cell(c["staleness_p99"], None, "ms")


def test_replicated_report_shows_confidence_intervals(tmp_path):
    reps = sim.run(build(), duration="4s", warmup="1s", seed=5, replications=3, slos=SLOS, progress=False)
    path = tmp_path / "reps.html"
    reps.to_html(path, title="three replications")
    tree = parse_strict(path.read_text())
    assert network_urls(tree) == []
    assert _text(tree.find(".//h1")) == "three replications"
    web = _by_class(tree, "component")[0]
    cells = {_text(tr[0]): _text(tr[1]) for tr in web.iter("tr") if tr[0].tag == "td"}
    mean, low, high = reps.ci("web", "p99")
    assert cells["p99 (ms)"] == report._cell(mean, (high - low) / 2, "ms") and " ± " in cells["p99 (ms)"]
    cards = _by_class(tree, "slo")
    assert len(cards) == 2 and all("in " in _text(c) and "replications" in _text(c) for c in cards)
    assert "pooled over 3 replications" in _text(tree.find(".//figure[@data-chart='cdf']"))


def test_sweep_report_plots_each_figure_against_each_parameter(tmp_path):
    sw = sim.sweep(build, params={"workers": [1, 2, 4]}, seeds=[1, 2, 3], executor=None, progress=False,
                   duration="3s", warmup="1s")
    path = tmp_path / "sweep.html"
    sw.to_html(path, model=build())
    tree = parse_strict(path.read_text())
    assert network_urls(tree) == []
    charts = [f.get("data-chart") for f in _by_class(tree, "chart")]
    assert charts == ["sw-workers-throughput", "sw-workers-p50", "sw-workers-p99", "sw-workers-availability",
                      "sw-workers-errors", "sw-workers-utilisation", "sw-workers-hit_ratio"]
    table = tree.find(".//section[@id='points']//table")
    header = [_text(th) for th in table.iter("th")]
    assert header[:3] == ["workers", "web throughput (/s)", "web p99 (ms)"]
    s = sw.summary("web", "p99")
    body = [[_text(td) for td in tr] for tr in table.iter("tr") if tr[0].tag == "td"]
    assert [r[0] for r in body] == ["1", "2", "4"]
    assert body[0][2] == report._cell(s["mean"][0], s["half_width"][0], "ms")
    assert tree.find(f".//section[@id='architecture']//{SVG}svg") is not None
    facts = dict(zip([_text(e) for e in tree.iter("dt")], [_text(e) for e in tree.iter("dd")]))
    assert facts["fingerprint"] == sw.fingerprint() and facts["seeds per point"] == "3"


@pytest.fixture
def scenario(tmp_path):
    path = tmp_path / "small.yaml"
    path.write_text("# A small scenario.\n# Two lines of description.\n#\n# Second paragraph.\nname: small\n"
                    "duration: 3s\nwarmup: 1s\nseed: 2\ncomponents:\n"
                    "  db: {kind: service, workers: 4, service_time: {Exp: 2ms}}\n"
                    "  web: {kind: client, target: db, workload: {Open: {rate: 200}}}\n"
                    "slo:\n  - {component: web, availability: 0.99}\n")
    return path


def test_cli_run_writes_html(scenario, tmp_path, capsys):
    out = tmp_path / "run.html"
    assert main(["run", str(scenario), "--html", str(out), "-q"]) == 0
    tree = parse_strict(out.read_text())
    assert [_text(p) for p in _by_class(tree, "description")[0].iter("p")] == [
        "A small scenario. Two lines of description.", "Second paragraph."]
    assert [c.get("data-verdict") for c in _by_class(tree, "slo")] == ["met"]
    capsys.readouterr()
    assert main(["run", str(scenario), "--html", str(tmp_path / "missing" / "r.html"), "-q"]) == 2
    assert "cannot write" in capsys.readouterr().err


def test_cli_sweep_writes_html(scenario, tmp_path):
    out = tmp_path / "sweep.html"
    assert main(["sweep", str(scenario), "--param", "db.workers=1,2", "--seeds", "2", "--html", str(out), "-q"]) == 0
    tree = parse_strict(out.read_text())
    assert "sw-db-workers-p99" in [f.get("data-chart") for f in _by_class(tree, "chart")]
    body = [[_text(td) for td in tr] for tr in tree.find(".//section[@id='points']//table").iter("tr")
            if tr[0].tag == "td"]
    assert [r[0] for r in body] == ["1", "2"]  # numeric values: "1", "2" on a numeric axis


def test_write_is_atomic(tmp_path, monkeypatch):
    path = tmp_path / "report.html"
    report.write_atomically(path, "<old>")
    assert path.read_text() == "<old>" and oct(path.stat().st_mode & 0o777) == oct(0o666 & ~_umask())

    def interrupted(src, dst):
        raise KeyboardInterrupt

    monkeypatch.setattr(report.os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        report.write_atomically(path, "<new>")
    assert path.read_text() == "<old>"  # the old report stands whole
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html"]  # and no temporary file is left
    with pytest.raises(ValueError, match="path must be a file name"):
        report.write_atomically(3, "x")


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def test_the_template_ships_inside_the_package():
    import archsim

    template = pathlib.Path(archsim.__file__).parent / "templates" / "report.html.j2"
    assert template.is_file() and report._TEMPLATES == template.parent


def test_report_model_fingerprint():
    check_fingerprint("report_shop", build(), seed=5)
