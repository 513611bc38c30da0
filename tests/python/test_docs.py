"""Every page of docs/ (and the README) runs: each ```python block executes in order (one
namespace per page) and its output must equal the ```text block right after it.

After a change that alters results on purpose, rewrite the outputs with
    ARCHSIM_UPDATE_DOCS=1 .venv/bin/python -m pytest tests/python/test_docs.py
and review the diff.
"""

import contextlib
import io
import os
import pathlib
import re

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
FENCE = re.compile(r"^```(\w*)[^\n]*\n(.*?)^```[ \t]*$", re.S | re.M)
PAGES = [ROOT / "README.md"] + sorted(p for p in (ROOT / "docs").rglob("*.md") if "```python" in p.read_text())


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_docs_page_runs_and_matches_its_outputs(page, monkeypatch):
    monkeypatch.chdir(ROOT)
    text = page.read_text()
    blocks = list(FENCE.finditer(text))
    namespace = {"__name__": "__main__"}
    mismatches, replacements = [], []
    for i, block in enumerate(blocks):
        if block.group(1) != "python":
            continue
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            exec(compile(block.group(2), f"{page.name}#block{i}", "exec"), namespace)
        nxt = blocks[i + 1] if i + 1 < len(blocks) else None
        if nxt is not None and nxt.group(1) == "text" and not text[block.end():nxt.start()].strip():
            if out.getvalue() != nxt.group(2):
                mismatches.append(f"block {i}:\n--- page\n{nxt.group(2)}--- now\n{out.getvalue()}")
                replacements.append((nxt.start(2), nxt.end(2), out.getvalue()))
    if replacements and os.environ.get("ARCHSIM_UPDATE_DOCS"):
        for start, end, new in reversed(replacements):
            text = text[:start] + new + text[end:]
        page.write_text(text)
        return
    assert not mismatches, "\n".join(mismatches)
