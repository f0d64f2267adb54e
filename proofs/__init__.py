"""The claims catalogue: one module per claim id (``karagoz2025/eq4`` → ``karagoz2025_eq4.py``).

Each module defines ``CLAIM = Claim(id=..., paper=..., statement=..., check=...)``; modules are
found automatically, run by ``inertia-verify prove`` and by the test suite.
"""
