"""Loaded at start-up by every Python process of an ASan test run (scripts/asan.sh puts
this folder first on PYTHONPATH): it removes the editable install's import hook, so
``import archsim`` finds the staged package beside this file, whose ``_core`` is the
ASan + UBSan build, instead of rebuilding and loading the ordinary one."""

import sys

sys.meta_path[:] = [f for f in sys.meta_path if type(f).__name__ != "ScikitBuildRedirectingFinder"]
