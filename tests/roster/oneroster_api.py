"""Running ``import-roster --api`` against the fake OneRoster service in tests."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

from bot.testing.oneroster_fake import FakeOneRoster
from tests.roster.bundles import run

CLIENT = "district-app"
SECRET = "s3cret-value-0042"
TABS = ("Students", "Educators", "Courses", "Classes", "Enrollments")


class Clock:
    """The fake's clock: still until a test moves it."""

    def __init__(self) -> None:
        self.at = datetime(2026, 11, 2, 8, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.at


def api_import(config_path: Path, fake: FakeOneRoster, *extra: str | Path) -> int:
    return run(
        "import-roster", "--api", fake.url, "--client-id", CLIENT, "--config", config_path, *extra
    )


def pulls(config_path: Path) -> dict[str, dict[str, str]]:
    path = config_path.parent / "oneroster-pulls.json"
    if not path.exists():
        return {}
    data: dict[str, dict[str, str]] = json.loads(path.read_text(encoding="utf-8"))
    return data


def offsets(fake: FakeOneRoster, collection: str) -> list[str]:
    """The offsets asked of ``collection``, in order."""
    return [
        r.query.get("offset", [""])[0]
        for r in fake.api_requests()
        if r.path.endswith(f"/{collection}")
    ]
