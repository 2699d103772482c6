"""Fidelity of the fake Sheets server against real recorded traffic.

Every recorded exchange in ``shared/data/gspread-cassettes`` (vcrpy JSON recorded by gspread's
own test-suite against the real Sheets v4 / Drive v3 APIs) is replayed against the fake, cassette
by cassette, in order. IDs that Google and the fake assign differently (spreadsheet ids, sheetIds,
protectedRangeIds, namedRangeIds) are mapped as they are learned from responses. Each response is
compared on status, JSON structure (same keys, recursively) and values.

Files that existed in the recorder's Drive before a cassette ran (listed by ``openall``, opened by
key, or private to someone else) are seeded into the fake just before the interaction that needs
them, from what the recording shows about them.
"""

from __future__ import annotations

import json
import re
from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest
import requests

from bot.testing.fake_sheets import FakeSheetsServer
from tests.shared_data import shared_path

TOKEN = "cassette-token"
# The service account that recorded the cassettes; protected-range editors name it.
RECORDER = "telegram-budgeter@telegram-budgeter.iam.gserviceaccount.com"
STRANGER = "someone-else@example.com"

ID_KEYS = {"id", "spreadsheetId", "sheetId", "protectedRangeId", "namedRangeId"}
VOLATILE = {"createdTime", "modifiedTime"}
UNSUPPORTED = {
    "PUT /upload/drive/v2/files/{id}": (
        "Drive v2 CSV import: the fake performs the import, but does not emulate the Drive v2 "
        "File resource returned"
    ),
}
_FILE_ID = re.compile(r"^[A-Za-z0-9_-]{25,}$")


def cassette_paths() -> list[Path]:
    """All recorded cassettes."""
    folder = shared_path("gspread-cassettes")
    paths = sorted(folder.glob("*.json"))
    if not paths:
        pytest.fail(f"no cassettes in {folder}")
    return paths


def endpoint_key(method: str, uri: str) -> str:
    """``GET /v4/spreadsheets/{id}/values/{range}`` and the like."""
    path = urlsplit(uri).path
    path = re.sub(r"^/v4/spreadsheets/[^/:]+", "/v4/spreadsheets/{id}", path)
    path = re.sub(r"/values/[^/]+?(:append|:clear)?$", r"/values/{range}\1", path)
    path = re.sub(r"/files/[^/]+", "/files/{id}", path)
    return f"{method} {path}"


@dataclass
class IdMap:
    """Recorded id -> id the fake assigned, learned from responses."""

    ids: dict[Any, Any] = field(default_factory=dict)

    def text(self, value: str) -> str:
        """Replace recorded spreadsheet ids inside a string."""
        for old, new in self.ids.items():
            if isinstance(old, str) and old != new and old in value:
                value = value.replace(old, new)
        return value

    def body(self, value: Any) -> Any:
        """Map ids inside a request body."""
        if isinstance(value, dict):
            return {
                k: (
                    self.ids.get(v, v) if k in ID_KEYS and not isinstance(v, dict) else self.body(v)
                )
                for k, v in value.items()
            }
        if isinstance(value, list):
            return [self.body(v) for v in value]
        if isinstance(value, str):
            return self.text(value)
        return value

    def learn(self, recorded: Any, got: Any) -> bool:
        """Pair a recorded id with the fake's; False if it contradicts an earlier pairing."""
        if recorded in self.ids:
            return bool(self.ids[recorded] == got)
        if got in self.ids.values():
            return False
        self.ids[recorded] = got
        return True


def diff(recorded: Any, got: Any, ids: IdMap, path: str = "$") -> list[str]:
    """Differences between a recorded JSON value and the fake's."""
    if isinstance(recorded, dict):
        if not isinstance(got, dict):
            return [f"{path}: expected object, got {got!r}"]
        problems = []
        if set(recorded) != set(got):
            missing, extra = set(recorded) - set(got), set(got) - set(recorded)
            problems.append(
                f"{path}: keys differ, missing {sorted(missing)}, unexpected {sorted(extra)}"
            )
        for key in set(recorded) & set(got):
            sub = f"{path}.{key}"
            if key in VOLATILE:
                if type(recorded[key]) is not type(got[key]):
                    problems.append(f"{sub}: type {type(got[key]).__name__}")
            elif key in ID_KEYS and not isinstance(recorded[key], dict | list):
                if not ids.learn(recorded[key], got[key]):
                    problems.append(f"{sub}: id {got[key]!r} does not map from {recorded[key]!r}")
            else:
                problems += diff(recorded[key], got[key], ids, sub)
        return problems
    if isinstance(recorded, list):
        if not isinstance(got, list):
            return [f"{path}: expected list, got {got!r}"]
        if len(recorded) != len(got):
            return [
                f"{path}: length {len(got)} != {len(recorded)}: {got!r:.300} vs {recorded!r:.300}"
            ]
        return [
            p
            for i, (a, b) in enumerate(zip(recorded, got, strict=True))
            for p in diff(a, b, ids, f"{path}[{i}]")
        ]
    if isinstance(recorded, bool) or isinstance(got, bool):
        return [] if recorded is got else [f"{path}: {got!r} != recorded {recorded!r}"]
    if isinstance(recorded, int | float) and isinstance(got, int | float):
        return (
            []
            if abs(recorded - got) <= 1e-9 * max(1.0, abs(recorded))
            else [f"{path}: {got!r} != recorded {recorded!r}"]
        )
    if isinstance(recorded, str):
        return [] if ids.text(recorded) == got else [f"{path}: {got!r} != recorded {recorded!r}"]
    return [] if recorded == got else [f"{path}: {got!r} != recorded {recorded!r}"]


def _epoch(stamp: str | None) -> float | None:
    if not stamp:
        return None
    return datetime.fromisoformat(stamp.replace("Z", "+00:00")).timestamp()


@dataclass
class Replay:
    """Replays one cassette against a fake server."""

    fake: FakeSheetsServer
    session: requests.Session
    ids: IdMap = field(default_factory=IdMap)
    own: set[str] = field(default_factory=set)
    seeded: set[str] = field(default_factory=set)

    def prepare(self, request: dict[str, Any], response: dict[str, Any]) -> None:
        """Seed files the recording shows existed before this interaction."""
        method, uri = request["method"], request["uri"]
        status = response["status"]["code"]
        body = _json(response["body"]["string"])
        if endpoint_key(method, uri) == "GET /drive/v3/files" and isinstance(body, dict):
            self._sync_listing(body.get("files") or [])
            return
        match = re.search(r"/(?:spreadsheets|files)/([^/?:]+)", urlsplit(uri).path)
        file_id = match.group(1) if match else None
        if (
            not file_id
            or not _FILE_ID.match(file_id)
            or file_id in self.own
            or file_id in self.ids.ids
        ):
            return
        if file_id in self.fake.store.spreadsheets:
            return
        if status == 403:
            self._seed(file_id, "private", owner=STRANGER, shared_with=set())
        elif status == 200 and isinstance(body, dict):
            title = (body.get("properties") or {}).get("title") or body.get("name") or "Untitled"
            self._seed(file_id, title)

    def _sync_listing(self, files: list[dict[str, Any]]) -> None:
        listed = {f["id"] for f in files}
        for stale in [i for i in self.seeded if i not in listed]:
            self.fake.delete_spreadsheet(stale)
            self.seeded.discard(stale)
        for item in files:
            if item["id"] in self.own or item["id"] in self.fake.store.spreadsheets:
                continue
            self._seed(
                item["id"],
                item["name"],
                created=_epoch(item.get("createdTime")),
                modified=_epoch(item.get("modifiedTime")),
            )

    def _seed(self, file_id: str, title: str, **kwargs: Any) -> None:
        kwargs.setdefault("owner", RECORDER)
        self.fake.create_spreadsheet(title, spreadsheet_id=file_id, **kwargs)
        self.seeded.add(file_id)

    def send(self, request: dict[str, Any]) -> requests.Response:
        """Send the recorded request (ids mapped) to the fake."""
        parts = urlsplit(self.ids.text(request["uri"]))
        url = self.fake.url + parts.path + (f"?{parts.query}" if parts.query else "")
        raw = request["body"]
        data: bytes | None = None
        if raw is not None:
            parsed = _json(raw)
            data = (json.dumps(self.ids.body(parsed)) if parsed is not None else raw).encode(
                "utf-8"
            )
        headers = {"Authorization": f"Bearer {TOKEN}"}
        content_type = request["headers"].get("Content-Type")
        if content_type:
            headers["Content-Type"] = content_type[0]
        return self.session.request(request["method"], url, data=data, headers=headers, timeout=30)

    def check(
        self, request: dict[str, Any], recorded: dict[str, Any], got: requests.Response
    ) -> list[str]:
        """Compare status and body; learn ids and own files on the way."""
        problems = []
        if got.status_code != recorded["status"]["code"]:
            problems.append(
                f"status {got.status_code} != {recorded['status']['code']}: {got.text[:300]}"
            )
        text = recorded["body"]["string"]
        expected = _json(text)
        if expected is None:
            if text != got.text:
                problems.append(f"body {got.text[:200]!r} != recorded {text[:200]!r}")
        else:
            actual = _json(got.text)
            problems += diff(expected, actual, self.ids)
        creates = re.search(r"/drive/v3/files(/[^/]+/copy)?$", urlsplit(request["uri"]).path)
        if (
            request["method"] == "POST"
            and creates
            and isinstance(expected, dict)
            and "id" in expected
        ):
            self.own.add(expected["id"])
        return problems


def _json(text: str | None) -> Any:
    if not text:
        return None
    try:
        return json.loads(text)
    except ValueError:
        return None


@dataclass
class Outcome:
    """Per-interaction result."""

    cassette: str
    index: int
    endpoint: str
    status: str
    problems: list[str] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)


def replay_cassette(fake: FakeSheetsServer, session: requests.Session, path: Path) -> list[Outcome]:
    """Replay one cassette on a wiped fake."""
    fake.wipe()
    replay = Replay(fake, session)
    outcomes = []
    for index, interaction in enumerate(json.loads(path.read_text())["interactions"]):
        request, recorded = interaction["request"], interaction["response"]
        key = endpoint_key(request["method"], request["uri"])
        replay.prepare(request, recorded)
        got = replay.send(request)
        problems = replay.check(request, recorded, got)
        body = _json(request["body"]) if key.endswith(":batchUpdate") else None
        kinds = [next(iter(r)) for r in body.get("requests", [])] if isinstance(body, dict) else []
        status = "unsupported" if key in UNSUPPORTED else ("failed" if problems else "matched")
        outcomes.append(Outcome(path.stem, index, key, status, problems, kinds))
    return outcomes


@pytest.fixture(scope="module")
def fake_sheets_replay() -> dict[str, list[Outcome]]:
    """Replay every cassette once; results keyed by cassette name."""
    results: dict[str, list[Outcome]] = {}
    with FakeSheetsServer(seed=1234) as fake, requests.Session() as session:
        fake.add_user(TOKEN, RECORDER)
        for path in cassette_paths():
            results[path.stem] = replay_cassette(fake, session, path)
    return results


def summary(results: dict[str, list[Outcome]]) -> str:
    """A per-endpoint table of matched / total / unsupported."""
    counts: dict[str, Counter[str]] = {}
    for outcomes in results.values():
        for o in outcomes:
            counts.setdefault(o.endpoint, Counter())[o.status] += 1
    lines = [f"{'endpoint':62} {'matched':>8} {'total':>6} {'unsupp.':>8}"]
    totals: Counter[str] = Counter()
    for endpoint in sorted(counts):
        c = counts[endpoint]
        total = sum(c.values())
        totals.update(c)
        lines.append(f"{endpoint:62} {c['matched']:>8} {total:>6} {c['unsupported']:>8}")
    grand = sum(totals.values())
    lines.append(f"{'ALL':62} {totals['matched']:>8} {grand:>6} {totals['unsupported']:>8}")
    kinds: dict[str, Counter[str]] = {}
    for outcomes in results.values():
        for o in outcomes:
            for kind in o.kinds:
                kinds.setdefault(kind, Counter())[o.status] += 1
    lines.append("batchUpdate requests by kind (matched/total):")
    lines.append(", ".join(f"{k} {c['matched']}/{c.total()}" for k, c in sorted(kinds.items())))
    for endpoint, why in UNSUPPORTED.items():
        lines.append(
            f"unsupported: {endpoint} ({counts.get(endpoint, Counter()).total()} calls): {why}"
        )
    return "\n".join(lines)


@pytest.mark.parametrize("cassette", [p.stem for p in cassette_paths()])
def test_cassette_replays_faithfully(
    fake_sheets_replay: dict[str, list[Outcome]], cassette: str
) -> None:
    """Every supported interaction of the cassette matches the recording."""
    failed = [o for o in fake_sheets_replay[cassette] if o.status == "failed"]
    assert not failed, "\n".join(
        f"[{o.index}] {o.endpoint}: {'; '.join(o.problems[:5])}" for o in failed[:10]
    )


def test_fidelity_summary(fake_sheets_replay: dict[str, list[Outcome]]) -> None:
    """Print the per-endpoint report and require full coverage of the supported endpoints."""
    report = summary(fake_sheets_replay)
    print("\n" + report)
    outcomes = [o for cassette in fake_sheets_replay.values() for o in cassette]
    assert len(fake_sheets_replay) == len(cassette_paths())
    assert sum(o.status == "matched" for o in outcomes) + sum(
        o.status == "unsupported" for o in outcomes
    ) == len(outcomes)
    assert {o.endpoint for o in outcomes if o.status == "unsupported"} <= set(UNSUPPORTED)
