"""How hard the fuzz tests try: a bounded "ci" profile for ``make test`` (the whole folder in
well under a minute on two cores) and a long "soak" profile for ``make soak``, chosen by the
``TILL_FUZZ`` environment variable (``ci`` unless it says ``soak``).

Each test names its ci budget in examples; the soak profile runs ``SOAK_FACTOR`` times as
many. Unlike the rest of the suite (tests/conftest.py: no deadline), every example has a
deadline: an input that makes a parser quadratic shows up as a failure, not as a slow run."""

from __future__ import annotations

import os
from datetime import timedelta

from hypothesis import HealthCheck, settings

PROFILE = os.environ.get("TILL_FUZZ", "ci")
SOAK_FACTOR = 50

settings.register_profile(
    "fuzz-ci",
    deadline=timedelta(seconds=5),
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
        HealthCheck.function_scoped_fixture,
        HealthCheck.large_base_example,
    ],
)
"""Five seconds an example: a hundred times what the slowest example needs on this machine,
so a loaded CI runner does not fail at random, while a quadratic parser on a 100 kB line
(minutes) still does."""
settings.register_profile("fuzz-soak", parent=settings.get_profile("fuzz-ci"))


def fuzz(examples: int) -> settings:
    """Settings for a fuzz test that tries ``examples`` inputs under the ci profile."""
    soak = PROFILE == "soak"
    return settings(
        parent=settings.get_profile("fuzz-soak" if soak else "fuzz-ci"),
        max_examples=examples * SOAK_FACTOR if soak else examples,
    )
