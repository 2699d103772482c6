"""The fake's roster: a OneRoster CSV bundle held as the REST binding's JSON records.

A bundle of either version is served as either version: a 1.1 user's ``role`` and
``orgSourcedIds`` become 1.2 ``roles`` (a primary role in each org) and ``primaryOrg`` (the
first org); a 1.2 user's roles (roles.csv) become a 1.1 ``role`` (the first primary one) and
``orgs`` (its org first). Values are served as the bundle has them: a blank ``status`` is
``active`` and a blank ``dateLastModified`` the time the bundle was loaded (the REST binding
requires both); a blank optional date, boolean or reference is left out, a blank list is ``[]``.
``metadata.<name>`` columns are the ``metadata`` object (blank values included).
Tests change records with ``change`` / ``add`` (``drop`` loses one), which stamp
``dateLastModified`` with the fake's clock, as a SIS does.
"""

from __future__ import annotations

import csv
import io
import re
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bot.roster.bundle import Bundle, manifest_value, open_bundle
from bot.roster.rest.fields import (
    BOOL,
    DATE,
    HREF_PATHS,
    LIST,
    REF,
    REFS,
    ROLES_12,
    TEXT,
    USER_IDS,
    V11,
    V12,
    Field,
    collections,
)

USER_ID = re.compile(r"\{([^:}]*):([^}]*)\}")
Record = dict[str, Any]


def stamp(moment: datetime) -> str:
    """A dateLastModified as the binding writes it (UTC, milliseconds, ``Z``)."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def _rows(bundle: Bundle, name: str) -> list[dict[str, str]]:
    if not bundle.has(name):
        return []
    text = bundle.raw(name).decode("utf-8-sig")
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [h.strip() for h in next(reader, [])]
    return [
        dict(zip(header, row + [""] * (len(header) - len(row)), strict=False))
        for row in reader
        if any(v.strip() for v in row)
    ]


def _split(value: str) -> list[str]:
    return [item.strip() for item in value.split(",") if item.strip()]


class Roster:
    """The records of each collection, as the served version's JSON, keyed by sourcedId."""

    def __init__(
        self,
        bundle_path: Path,
        version: str,
        base_url: Callable[[], str],
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        bundle = open_bundle(bundle_path)
        if not bundle.has("manifest.csv"):
            raise ValueError(
                f"{bundle_path}: not a OneRoster bundle (no manifest.csv); the fake serves "
                "OneRoster 1.1 / 1.2 bundles (`rollover-bot export-roster` writes one)"
            )
        found = manifest_value(bundle, "oneroster.version")
        self.source_version = V12 if found == "1.2" else V11
        self.version = version
        self.base_url = base_url
        self.clock = clock
        self.lock = threading.RLock()
        self.loaded = stamp(clock())
        self.collections: dict[str, dict[str, Record]] = {}
        roles = self._roles(bundle)
        for collection in collections(version):
            records: dict[str, Record] = {}
            source = collection.fields
            if collection.name == "users":
                source = next(
                    c.fields for c in collections(self.source_version) if c.name == "users"
                )
            for row in _rows(bundle, collection.file):
                record = self._record(row, source)
                if collection.name == "users":
                    self._user_roles(record, row, roles.get(row.get("sourcedId", "").strip(), []))
                    record = {k: v for k, v in record.items() if k in self._keys("users")}
                records[record["sourcedId"]] = record
            self.collections[collection.name] = records

    def _keys(self, name: str) -> set[str]:
        fields = next(c.fields for c in collections(self.version) if c.name == name)
        keys = {f.key for f in fields} | {"metadata"}
        return keys | ({"roles"} if name == "users" and self.version == V12 else set())

    def ref(self, target: str, sourced_id: str) -> Record:
        """A GUIDRef to a record of type ``target``."""
        return {
            "href": f"{self.base_url()}/{HREF_PATHS[target]}/{sourced_id}",
            "sourcedId": sourced_id,
            "type": target,
        }

    def _value(self, text: str, field: Field) -> Any:
        if field.kind == REFS:
            return [self.ref(field.target, item) for item in _split(text)]
        if field.kind == LIST:
            return _split(text)
        if field.kind == USER_IDS:
            return [{"type": t, "identifier": i} for t, i in USER_ID.findall(text)]
        if not text.strip():
            return None
        if field.kind == REF:
            return self.ref(field.target, text.strip())
        if field.kind == BOOL:
            return text.strip().lower()
        if field.kind == DATE:
            return text.strip()
        return text

    def _fields(self, row: dict[str, str], fields: tuple[Field, ...]) -> Record:
        record: Record = {}
        for field in fields:
            value = self._value(row.get(field.column, ""), field)
            if value is None and field.kind != TEXT:
                continue
            record[field.key] = "" if value is None else value
        return record

    def _record(self, row: dict[str, str], fields: tuple[Field, ...]) -> Record:
        record = self._fields(row, fields)
        record["sourcedId"] = record["sourcedId"].strip()
        record["status"] = record.get("status", "").strip() or "active"
        record["dateLastModified"] = record.get("dateLastModified", "").strip() or self.loaded
        metadata = {
            column.removeprefix("metadata."): value
            for column, value in row.items()
            if column.startswith("metadata.")
        }
        if metadata:
            record["metadata"] = metadata
        return record

    def _roles(self, bundle: Bundle) -> dict[str, list[Record]]:
        """1.2 roles.csv rows by user, primary roles first (a role marked tobedeleted is gone)."""
        by_user: dict[str, list[Record]] = {}
        for row in _rows(bundle, "roles.csv"):
            if row.get("status", "").strip().casefold() == "tobedeleted":
                continue
            role = {k: v for k, v in self._fields(row, ROLES_12).items() if v != ""}
            by_user.setdefault(row.get("userSourcedId", "").strip(), []).append(role)
        for roles in by_user.values():
            roles.sort(key=lambda r: r.get("roleType") != "primary")
        return by_user

    def _user_roles(self, record: Record, row: dict[str, str], roles: list[Record]) -> None:
        """Give ``record`` the served version's roles, whichever version the bundle is."""
        if self.source_version == V11:
            role = row.get("role", "").strip()
            roles = [
                {"roleType": "primary", "role": role, "org": self.ref("org", org)}
                for org in _split(row.get("orgSourcedIds", ""))
            ]
        if self.version == V12:
            record["roles"] = roles
            if "primaryOrg" not in record and roles:
                record["primaryOrg"] = roles[0]["org"]
            return
        primary = record.pop("primaryOrg", None)
        orgs: list[Record] = [r["org"] for r in roles if "org" in r]
        if primary is not None:
            orgs = [primary, *[o for o in orgs if o["sourcedId"] != primary["sourcedId"]]]
        record["role"] = roles[0]["role"] if roles else ""
        record["orgs"] = orgs

    def records(self, name: str) -> list[Record]:
        with self.lock:
            return list(self.collections[name].values())

    def get(self, name: str, sourced_id: str) -> Record | None:
        with self.lock:
            return self.collections[name].get(sourced_id)

    def change(self, name: str, sourced_id: str, **values: Any) -> Record:
        """Change a record's fields (JSON keys) as the SIS would: dateLastModified is now."""
        with self.lock:
            record = self.collections[name][sourced_id]
            record.update(values)
            record["dateLastModified"] = stamp(self.clock())
            return record

    def add(self, name: str, record: Record) -> Record:
        """Add a record (JSON, the served version's shape), stamped now."""
        with self.lock:
            record = {"status": "active", **record, "dateLastModified": stamp(self.clock())}
            self.collections[name][record["sourcedId"]] = record
            return record

    def drop(self, name: str, sourced_id: str) -> None:
        """Serve a record no more (as a feed that lost it, not one marked tobedeleted)."""
        with self.lock:
            del self.collections[name][sourced_id]

    def keys(self, name: str) -> set[str]:
        """The top-level keys a record of ``name`` may have (for filter and fields checks)."""
        return self._keys(name)
