"""The mock LMS keeps a kind's frame between reads, and never serves it stale: a write by
this connection or a commit by another process shows at the next read."""

from __future__ import annotations

from pathlib import Path

from bot.lms.mock.store import MockStore


def test_a_kept_frame_is_dropped_when_the_file_changes(tmp_path: Path) -> None:
    path = tmp_path / "lms.sqlite"
    store, other = MockStore(path), MockStore(path)
    try:
        with store.transaction():
            store.put("Edgenuity", "students", "000001", "active", {"grade": "10"})
        first = store.frame("Edgenuity", "students")
        assert first.to_dict("records") == [{"id": "000001", "status": "active", "grade": "10"}]
        first.loc[0, "grade"] = "changed by a caller"
        assert store.frame("Edgenuity", "students").loc[0, "grade"] == "10"

        with store.transaction():
            store.put("Edgenuity", "students", "000002", "active", {"grade": "11"})
        assert list(store.frame("Edgenuity", "students")["id"]) == ["000001", "000002"]

        with other.transaction():
            other.put("Edgenuity", "students", "000001", "archived", {"grade": "10"})
        assert list(store.frame("Edgenuity", "students")["status"]) == ["archived", "active"]
    finally:
        store.close()
        other.close()
