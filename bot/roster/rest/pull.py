"""One pull from a OneRoster API: every collection the roster tabs use, as a CSV bundle.

A full pull reads orgs, academicSessions, courses, classes, users, enrollments and
demographics whole; the bundle it makes is ``bulk`` (as a full CSV export). A delta pull
(``since``) reads orgs and academicSessions whole (they only name schools and terms, and are
small) and the others with ``filter=dateLastModified>'<since>'``; its files are ``delta`` and a
collection with no changes is left out (``absent``). So that the rows it brings are whole, a
delta pull also reads, one by one, the users whose demographics changed and the classes whose
teacher enrollments changed when those records themselves did not. Demographics are optional:
a service that has none (404) or does not let this client read them (403, or a 1.2 token
without the demographics scope) gives no Birth dates, said in the report.

Nothing is written while pulling: the bundle is whole in memory before the import starts, so
a pull that fails midway changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from bot.core.wording import count
from bot.roster.bundle import Bundle
from bot.roster.errors import Problem
from bot.roster.frames import TEACHING_ROLES
from bot.roster.rest.auth import ClientCredentials, Credentials, signed
from bot.roster.rest.errors import UNCHANGED, Malformed, OneRosterError, Refused
from bot.roster.rest.fields import (
    REF,
    ROLES_12,
    ROLES_CSV,
    V12,
    Collection,
    Field,
    collections,
)
from bot.roster.rest.http import Transport
from bot.roster.rest.paging import read_all, read_one
from bot.roster.rest.records import Row, cell, role_rows, sourced_id, to_csv, to_row
from bot.roster.rest.refusals import Refusals
from bot.roster.rest.service import Service, find_service
from bot.roster.values import DELETED

WHOLE = ("orgs", "academicSessions")
"""Read whole even in a delta pull: they name the schools and terms other records point to."""
OPTIONAL = "demographics"
CLASS_REF = Field("classSourcedId", "class", REF)
MANIFEST = "manifest.csv"


@dataclass(frozen=True)
class PullRequest:
    api: str
    credentials: Credentials
    version: str | None = None
    token_url: str | None = None
    page_size: int = 100


@dataclass
class Pulled:
    """What a pull brought: a bundle, where each of its rows came from, and what to say."""

    service: Service
    bundle: Bundle
    since: str | None
    started: datetime
    sent: int
    counts: dict[str, int]
    notes: list[str] = field(default_factory=list)
    rows: dict[str, list[str]] = field(default_factory=dict)

    def locate(self, problem: Problem) -> Problem:
        """A problem at row N of a pulled file, as record N-1 of that collection."""
        ids = self.rows.get(problem.file)
        if ids is None or problem.row < 2:
            return problem
        index = problem.row - 2
        ident = f" (sourcedId {ids[index]})" if index < len(ids) else ""
        where = f"{problem.file}, record {index + 1}{ident}"
        return Problem(where, 0, problem.column, problem.message)

    def summary(self) -> list[str]:
        counts = ", ".join(f"{name} {n:,}" for name, n in self.counts.items())
        what = (
            f"Changes since {self.since} (orgs and academicSessions whole)"
            if self.since
            else "Full pull"
        )
        lines = [f"{what}: {counts} ({count(self.sent, 'request')})", *self.notes]
        return [f"  {line}" for line in lines]


class _Puller:
    def __init__(self, request: PullRequest, transport: Transport, service: Service) -> None:
        self.request = request
        self.transport = transport
        self.service = service
        self.refusal = Refusals(request.api, request.credentials.client_id, service.version)
        if service.version == V12:
            root = service.root
            self.bearer: ClientCredentials | None = ClientCredentials(
                request.credentials, request.token_url or f"{root}/token", transport
            )
            self.auth: Any = self.bearer
        else:
            self.bearer = None
            self.auth = signed(request.credentials)
        self.notes: list[str] = []

    def all(self, collection: Collection, filter_: str | None) -> list[dict[str, Any]] | None:
        """The collection's records; None for demographics the client may not read."""
        if collection.name == OPTIONAL and self.bearer is not None:
            if not self.bearer.token:
                self.bearer.fetch()
            if not self.bearer.may_read_demographics():
                self.notes.append(
                    "demographics: the token has no demographics scope; Birth date not pulled"
                )
                return None
        try:
            return read_all(
                self.transport,
                self.service.url(collection.name),
                collection,
                limit=self.request.page_size,
                auth=self.auth,
                refusal=self.refusal,
                filter_=filter_,
            )
        except Refused as exc:
            if collection.name == OPTIONAL and exc.status in (403, 404):
                reason = "not permitted (403)" if exc.status == 403 else "not served (404)"
                self.notes.append(f"demographics: {reason}; Birth date not pulled")
                return None
            raise

    def one(self, collection: Collection, sourced: str) -> dict[str, Any] | None:
        url = self.service.url(collection.name, sourced)
        return read_one(self.transport, url, collection, self.auth, self.refusal)


def _ids(records: list[dict[str, Any]], name: str) -> set[str]:
    return {sourced_id(r, f"{name} record") for r in records}


def _complete(
    puller: _Puller, pulled: dict[str, list[dict[str, Any]] | None], by_name: dict[str, Collection]
) -> None:
    """A delta pull: also read the users of changed demographics and the classes of changed
    teacher enrollments, so that their rows are whole."""
    users = pulled["users"] or []
    have = _ids(users, "users")
    extra = 0
    for demographic in pulled.get(OPTIONAL) or []:
        user_id = str(demographic["sourcedId"])
        if user_id not in have:
            record = puller.one(by_name["users"], user_id)
            if record is not None:
                users.append(record)
                have.add(user_id)
                extra += 1
    classes = pulled["classes"] or []
    have = _ids(classes, "classes")
    for enrollment in pulled["enrollments"] or []:
        role = str(enrollment.get("role") or "").strip().casefold()
        status = str(enrollment.get("status") or "").strip().casefold()
        if role not in TEACHING_ROLES or status == DELETED:
            continue
        class_id = cell(enrollment.get("class"), CLASS_REF, "enrollment: class")
        if class_id and class_id not in have:
            record = puller.one(by_name["classes"], class_id)
            if record is not None:
                classes.append(record)
                have.add(class_id)
                extra += 1
    pulled["users"], pulled["classes"] = users, classes
    if extra:
        puller.notes.append(
            f"{count(extra, 'record')} read one by one to complete the changed ones "
            "(users of changed demographics, classes of changed teacher enrollments)"
        )


def _files(
    service: Service, pulled: dict[str, list[dict[str, Any]] | None], since: str | None
) -> tuple[dict[str, bytes], dict[str, str], dict[str, list[str]], dict[str, str]]:
    files: dict[str, bytes] = {}
    names: dict[str, str] = {MANIFEST: "manifest (made by the bot for the pull)"}
    rows: dict[str, list[str]] = {}
    modes: dict[str, str] = {}
    for collection in collections(service.version):
        records = pulled.get(collection.name)
        mode = "delta" if since and collection.name not in WHOLE else "bulk"
        if records is None or (mode == "delta" and not records):
            modes[collection.name] = "absent"
            continue
        display = service.url(collection.name)
        unique = {sourced_id(r, display): r for r in records}
        csv_rows: list[Row] = []
        roles: list[Row] = []
        for number, record in enumerate(unique.values(), start=1):
            what = f"{display}, record {number} (sourcedId {record['sourcedId']})"
            csv_rows.append(to_row(record, collection.fields, what))
            if collection.name == "users" and service.version == V12:
                roles.extend(role_rows(record, what))
        files[collection.file.casefold()] = to_csv(csv_rows, collection.fields)
        names[collection.file.casefold()] = display
        rows[display] = list(unique)
        modes[collection.name] = mode
        if collection.name == "users" and service.version == V12:
            role_display = f"{display} (roles)"
            files["roles.csv"] = to_csv(roles, [*ROLES_CSV, *(f.column for f in ROLES_12)])
            names["roles.csv"] = role_display
            rows[role_display] = [row["userSourcedId"] for row in roles]
            modes["roles"] = mode
    return files, names, rows, modes


def _manifest(service: Service, modes: dict[str, str]) -> bytes:
    lines = [
        ("manifest.version", "1.0"),
        ("oneroster.version", service.version),
        ("source.systemName", f"OneRoster API {service.base}"),
        *((f"file.{name}", mode) for name, mode in modes.items()),
    ]
    return to_csv([{"propertyName": k, "value": v} for k, v in lines], ["propertyName", "value"])


def pull(
    request: PullRequest,
    since_for: Callable[[Service], str | None] = lambda service: None,
    transport: Transport | None = None,
) -> Pulled:
    """Pull the roster; ``since_for(service)`` is the time of a delta pull (None: a full one)."""
    transport = transport or Transport()
    began = transport.clock.now()
    service = find_service(request.api, request.version, transport.probe)
    since = since_for(service)
    puller = _Puller(request, transport, service)
    by_name = {c.name: c for c in collections(service.version)}
    pulled: dict[str, list[dict[str, Any]] | None] = {}
    for collection in by_name.values():
        filtered = since is not None and collection.name not in WHOLE
        filter_ = f"dateLastModified>'{since}'" if filtered else None
        pulled[collection.name] = puller.all(collection, filter_)
    if since is None and not pulled["users"]:
        raise OneRosterError(
            f"GET {service.url('users')} returned no users: a full pull with no users would "
            "leave out every student. Check that client ID "
            f"{request.credentials.client_id} may read this district's users; {UNCHANGED}"
        )
    if since is not None:
        _complete(puller, pulled, by_name)
    try:
        files, names, rows, modes = _files(service, pulled, since)
    except Malformed as exc:
        raise Malformed(f"{exc}; {UNCHANGED}") from exc
    files[MANIFEST] = _manifest(service, modes)
    bundle = Bundle(source=service.base, files=files, names=names)
    counts = {name: len(records) for name, records in pulled.items() if records is not None}
    started = transport.server_time or began
    return Pulled(service, bundle, since, started, transport.sent, counts, puller.notes, rows)


def when_text(moment: datetime) -> str:
    """A moment as the filter writes it: ``2026-11-20T10:00:00Z``."""
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
