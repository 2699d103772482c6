"""The benchmark's LMS case (``python bench/run.py --lms``) at a small size and no latency:
it runs the bot's real path over HTTP and the naive way, and its counts keep within the
budgets of issue 16 (counts only: times are the bench's business, not the tests')."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from bench.lms import MAX_COMMITS_PER_BULK, MAX_EXTRA_REQUESTS, lms_budgets, lms_size

STUDENTS = 1000
PAGE = 1000
"""Records per page the adapter asks for (the designed APIs' most)."""


@pytest.mark.slow
def test_lms_case_counts_keep_within_the_budgets(tmp_path: Path) -> None:
    lines: list[dict[str, Any]] = []
    lms_size(tmp_path, date(2026, 11, 23), STUDENTS, lines.append, 0, True, 20)
    bot, naive = lines
    assert bot["records"] == STUDENTS and "baseline" not in bot
    batch = bot["vendor_batch"]
    bulks = -(-STUDENTS // batch)
    assert bot["lms_requests"] <= STUDENTS // batch + MAX_EXTRA_REQUESTS
    assert bot["lms_requests_by_kind"] == {
        "GET /edgenuity/v1/students": -(-STUDENTS // PAGE),
        "POST /edgenuity/v1/students:archive": bulks,
    }
    assert bot["bulk_requests"] == bulks
    assert 0 < bot["state_commits"] <= MAX_COMMITS_PER_BULK * bulks
    assert bot["records_changed"] == STUDENTS and bot["records_changed_twice"] == 0
    assert naive["baseline"] == "naive-one-per-record"
    assert naive["lms_requests"] == STUDENTS and naive["lms_requests_made"] == 20
    assert naive["records_changed_made"] == 20 and naive["statuses_made"] == {"200": 20}
    verdicts = lms_budgets(lines)
    counted = [v for v in verdicts if "requests <=" in v or "durable commits" in v]
    assert len(counted) == 2 and all(v.startswith("PASS") for v in counted)
