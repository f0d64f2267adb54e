"""Doctests of the modules that draw need matplotlib, an optional extra: without it they are not
collected (tests/figures/test_figures.py checks the message a user gets instead)."""

import importlib.util

collect_ignore = [] if importlib.util.find_spec("matplotlib") else ["_plotting.py", "_registry.py"]
