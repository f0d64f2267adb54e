"""One place for test strictness: Hypothesis profiles, float64, the slow split."""

import os

from hypothesis import HealthCheck, settings

# "ci": deterministic and bounded, the default; "dev": more examples for a local deep run.
settings.register_profile("ci", max_examples=25, deadline=None, derandomize=True,
                          suppress_health_check=[HealthCheck.too_slow])
settings.register_profile("dev", max_examples=200, deadline=None,
                          suppress_health_check=[HealthCheck.too_slow])
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))

