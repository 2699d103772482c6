"""Hypothesis settings for the suite: reproducible (derandomized, no database), no deadline,
no shrinking (a failure is reported as found, at once: shrinking 50,000-character cells can
take minutes)."""

from __future__ import annotations

from hypothesis import HealthCheck, Phase, settings


def examples(count: int) -> settings:
    return settings(
        max_examples=count,
        deadline=None,
        derandomize=True,
        database=None,
        phases=(Phase.explicit, Phase.generate),
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    )
