"""The naive way to archive students over an LMS API, for comparison: one request per record,
in order, in its own process.

``python -m bench.naive_lms URL TOKEN IDS_FILE SAMPLE`` archives the students whose IDs are
in ``IDS_FILE`` (JSON list) with one ``POST /v1/students:archive`` per student (Edgenuity's
designed API has no other way to archive one), waiting for each answer before the next, with
one ``requests`` session. It keeps no record of what it did (no state store: nothing to
commit, and nothing to resume from after a crash). Only the first ``SAMPLE`` records are
sent; the rest are extrapolated from their mean time (``extrapolated`` says so).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Any

import requests

from bench.measure import peak_rss_mb


def run(url: str, token: str, ids: list[str], sample: int) -> dict[str, Any]:
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {token}"
    made = min(len(ids), sample)
    statuses: dict[str, int] = {}
    start, cpu = time.perf_counter(), time.process_time()
    for record in ids[:made]:
        answer = session.post(f"{url}/edgenuity/v1/students:archive", json={"ids": [record]})
        key = str(answer.status_code)
        statuses[key] = statuses.get(key, 0) + 1
    wall, cpu = time.perf_counter() - start, time.process_time() - cpu
    scale = len(ids) / made if made else 0.0
    return {
        "records": len(ids),
        "records_sent": made,
        "extrapolated": len(ids) > made,
        "lms_requests": len(ids),
        "lms_requests_made": made,
        "statuses_made": statuses,
        "wall_s": round(wall * scale, 3),
        "cpu_s": round(cpu * scale, 3),
        "wall_s_made": round(wall, 3),
        "state_commits": 0,
        "peak_rss_mb": peak_rss_mb(),
    }


if __name__ == "__main__":
    url, token, ids_file, sample = sys.argv[1:5]
    ids = json.loads(Path(ids_file).read_text(encoding="utf-8"))
    print(json.dumps(run(url, token, ids, int(sample))), flush=True)
