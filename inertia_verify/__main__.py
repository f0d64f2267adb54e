"""``python -m inertia_verify`` runs the command line."""

from .cli import main

raise SystemExit(main())
