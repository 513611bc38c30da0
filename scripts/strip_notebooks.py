"""Strips outputs and execution counts from notebooks/*.ipynb (git keeps them clean).

    .venv/bin/python scripts/strip_notebooks.py [paths...]
"""

import pathlib
import sys

import nbformat

ROOT = pathlib.Path(__file__).resolve().parents[1]
paths = [pathlib.Path(p) for p in sys.argv[1:]] or sorted((ROOT / "notebooks").glob("*.ipynb"))
for path in paths:
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = [], None
        cell.metadata.pop("execution", None)
    nbformat.write(nb, path)
    print(f"stripped {path}")
