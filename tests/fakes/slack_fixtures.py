"""Shared helpers for the fake Slack tests: spec-backed validators, users, a started fake."""

from __future__ import annotations

import copy
import functools
import json
import re
import urllib.request
from collections.abc import Iterator
from typing import Any

import jsonschema
import pytest
from slack_sdk.web import SlackResponse

from bot.testing.fake_slack import FakeSlack
from tests.shared_data import shared_path

PATTERNS = {
    "user": re.compile(r"^[UW][A-Z0-9]{8,}$"),
    "channel": re.compile(r"^[CGD][A-Z0-9]{8,}$"),
    "bot": re.compile(r"^B[A-Z0-9]{8,}$"),
    "team": re.compile(r"^T[A-Z0-9]{8,}$"),
    "app": re.compile(r"^A[A-Z0-9]{8,}$"),
    "ts": re.compile(r"^\d{10}\.\d{6}$"),
    "event": re.compile(r"^Ev[A-Z0-9]{8,}$"),
}

USERS = [
    {"id": "U0ALICE0001", "email": "alice@district.example.org", "name": "alice"},
    {"id": "U0BOBBY0002", "email": "bob@district.example.org", "name": "bob"},
]

BUTTONS: list[dict[str, Any]] = [
    {"type": "section", "text": {"type": "mrkdwn", "text": "*Step 3*: archive last year"}},
    {
        "type": "actions",
        "block_id": "step-3",
        "elements": [
            {
                "type": "button",
                "action_id": "mark_done",
                "text": {"type": "plain_text", "text": "Done"},
                "value": "step-3",
                "style": "primary",
            }
        ],
    },
]


def _load(name: str) -> dict[str, Any]:
    path = shared_path("slack-api-specs", name)
    loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return loaded


@functools.cache
def web_spec() -> dict[str, Any]:
    """Slack's Swagger 2.0 Web API spec."""
    return _load("slack_web_openapi_v2.json")


def _with_definitions(schema: dict[str, Any]) -> dict[str, Any]:
    """Make ``#/definitions/...`` refs inside ``schema`` resolve against the spec document."""
    return {**copy.deepcopy(schema), "definitions": web_spec()["definitions"]}


def response_schema(method: str, outcome: str = "200") -> dict[str, Any]:
    """The spec's response schema of ``method`` (``"200"`` success, ``"default"`` error)."""
    operations = web_spec()["paths"][f"/{method}"]
    (operation,) = operations.values()
    return _with_definitions(operation["responses"][outcome]["schema"])


def definition(name: str) -> dict[str, Any]:
    """A schema from the spec's ``definitions``, resolvable on its own."""
    return _with_definitions(web_spec()["definitions"][name])


def validate(instance: Any, schema: dict[str, Any]) -> None:
    """Draft-4 validation (Swagger 2.0 schemas are draft 4), with format checks."""
    validator = jsonschema.Draft4Validator(
        schema, format_checker=jsonschema.Draft4Validator.FORMAT_CHECKER
    )
    validator.validate(instance)


def validate_response(method: str, body: dict[str, Any]) -> None:
    """Validate a Web API body against the success or error schema of ``method``."""
    validate(body, response_schema(method, "200" if body.get("ok") else "default"))


def events_wrapper_schema() -> dict[str, Any]:
    """The common Events API envelope schema (draft 7)."""
    return _load("slack_common_event_wrapper_schema.json")


def message_event_schema(*, not_required: tuple[str, ...] = ()) -> dict[str, Any]:
    """The AsyncAPI payload schema of the ``message`` event topic.

    That schema was generated from one ``message_deleted`` sample, so its ``event.required``
    lists ``deleted_ts`` etc.; ``not_required`` drops fields that other subtypes lack.
    """
    spec = _load("slack_events_api_async_v1.json")
    schema: dict[str, Any] = copy.deepcopy(spec["topics"]["message"]["subscribe"]["payload"])
    event = schema["properties"]["event"]
    event["required"] = [name for name in event["required"] if name not in not_required]
    return schema


NEW_MESSAGE_OPTIONAL = ("deleted_ts", "subtype", "hidden", "previous_message")


def json_body(response: SlackResponse) -> dict[str, Any]:
    """The decoded JSON body of a Web API response (slack_sdk types ``data`` as dict or bytes)."""
    assert isinstance(response.data, dict), response.data
    return response.data


def http_json(url: str, body: Any = None) -> Any:
    """GET (or POST ``body`` as JSON) a control endpoint and decode the JSON answer."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=5) as response:
        return json.loads(response.read())


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    """A started fake with two humans, ``#rollover``, deterministic ``ts`` values."""
    with FakeSlack(USERS, ts_start=1700000000.0) as fake:
        yield fake
