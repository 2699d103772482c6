"""Modals: ``trigger_id`` exchange (``views.open``), what Slack checks in a view, the
``view_submission`` payload, and what the app's answer does to the open view.

Slack's rules kept here: a ``trigger_id`` is good for one ``views.open`` within 3 seconds of
the interaction that made it (``invalid_trigger_id``, ``exchanged_trigger_id``,
``expired_trigger_id``); a modal's title, submit and close texts are plain text of at most 24
characters; a modal with input blocks needs a submit button; ``private_metadata`` holds at
most 3,000 characters, ``callback_id`` 255; a view has at most 100 blocks. The Slack client
itself refuses to submit a required input left empty, so no ``view_submission`` is sent then.
An answer ``{"response_action": "errors", "errors": {block_id: text}}`` keeps the modal open
with those errors (a block ID that is not an input's is an invalid answer); any other answer
closes it.
"""

from __future__ import annotations

import copy
import json
import threading
import time
from dataclasses import dataclass, field
from typing import Any

from bot.testing.slack_fake.ids import IdFactory
from bot.testing.slack_fake.model import SlackError, User, Workspace

TRIGGER_SECONDS = 3.0
TEXT_LIMIT = 24
METADATA_LIMIT = 3000
CALLBACK_LIMIT = 255
BLOCK_LIMIT = 100
REQUIRED = "Please complete this required field."


class InvalidView(SlackError):
    """``invalid_arguments``, with the reason Slack gives in ``response_metadata.messages``."""

    def __init__(self, message: str) -> None:
        super().__init__("invalid_arguments")
        self.message = message


@dataclass
class Trigger:
    user: str
    issued: float
    used: bool = False


@dataclass
class View:
    """A modal as it is open (or was) for one user."""

    id: str
    user: str
    body: dict[str, Any]
    hash: str
    state: str = "open"
    errors: dict[str, str] = field(default_factory=dict)
    submissions: int = 0
    answer: Any = None
    problem: str = ""

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "user": self.user,
            "state": self.state,
            "errors": dict(self.errors),
            "submissions": self.submissions,
            "answer": copy.deepcopy(self.answer),
            "problem": self.problem,
            "view": copy.deepcopy(self.body),
        }


def _plain_text(value: Any, where: str, required: bool) -> None:
    if value is None and not required:
        return
    if not isinstance(value, dict) or value.get("type") != "plain_text":
        raise InvalidView(f"[ERROR] must be a plain_text object [json-pointer:/view/{where}]")
    text = value.get("text")
    if not isinstance(text, str) or not text:
        raise InvalidView(f"[ERROR] must provide a text [json-pointer:/view/{where}/text]")
    if len(text) > TEXT_LIMIT:
        raise InvalidView(
            f"[ERROR] must be less than {TEXT_LIMIT + 1} characters "
            f"[json-pointer:/view/{where}/text]"
        )


def check_view(raw: Any) -> dict[str, Any]:
    """The view as ``views.open`` takes it (a JSON string or object), else InvalidView."""
    if isinstance(raw, str):
        try:
            raw = json.loads(raw)
        except ValueError:
            raise InvalidView("[ERROR] invalid json [json-pointer:/view]") from None
    if not isinstance(raw, dict):
        raise InvalidView("[ERROR] missing required field: view")
    if raw.get("type") != "modal":
        raise InvalidView("[ERROR] must be 'modal' [json-pointer:/view/type]")
    _plain_text(raw.get("title"), "title", required=True)
    _plain_text(raw.get("submit"), "submit", required=False)
    _plain_text(raw.get("close"), "close", required=False)
    blocks = raw.get("blocks")
    if not isinstance(blocks, list) or not all(isinstance(b, dict) for b in blocks):
        raise InvalidView("[ERROR] must provide an array of blocks [json-pointer:/view/blocks]")
    if len(blocks) > BLOCK_LIMIT:
        raise InvalidView(
            f"[ERROR] no more than {BLOCK_LIMIT} items allowed [json-pointer:/view/blocks]"
        )
    for index, block in enumerate(blocks):
        if block.get("type") == "input" and not isinstance(block.get("element"), dict):
            raise InvalidView(
                f"[ERROR] missing required field: element [json-pointer:/view/blocks/{index}]"
            )
    if any(b.get("type") == "input" for b in blocks) and raw.get("submit") is None:
        raise InvalidView(
            "[ERROR] must provide a submit button with input blocks [json-pointer:/view]"
        )
    if len(str(raw.get("private_metadata", ""))) > METADATA_LIMIT:
        raise InvalidView(
            f"[ERROR] must be less than {METADATA_LIMIT + 1} characters "
            "[json-pointer:/view/private_metadata]"
        )
    if len(str(raw.get("callback_id", ""))) > CALLBACK_LIMIT:
        raise InvalidView(
            f"[ERROR] must be less than {CALLBACK_LIMIT + 1} characters "
            "[json-pointer:/view/callback_id]"
        )
    return raw


def input_blocks(view: dict[str, Any]) -> list[dict[str, Any]]:
    return [b for b in view.get("blocks") or [] if b.get("type") == "input"]


class Views:
    """Triggers handed out with interactions, and the modals opened with them."""

    def __init__(self, ws: Workspace, trigger_seconds: float = TRIGGER_SECONDS) -> None:
        self.ws = ws
        self.ids: IdFactory = ws.ids
        self.trigger_seconds = trigger_seconds
        self._lock = threading.Lock()
        self._triggers: dict[str, Trigger] = {}
        self._views: dict[str, View] = {}

    def trigger(self, user: User) -> str:
        """A fresh ``trigger_id`` for an interaction of ``user``."""
        trigger_id = self.ids.trigger()
        with self._lock:
            self._triggers[trigger_id] = Trigger(user.id, time.monotonic())
        return trigger_id

    def open(self, trigger_id: str | None, raw: Any) -> dict[str, Any]:
        """``views.open``: exchange the trigger for a modal shown to its user."""
        if not trigger_id:
            raise InvalidView("[ERROR] missing required field: trigger_id")
        body = check_view(raw)
        with self._lock:
            trigger = self._triggers.get(trigger_id)
            if trigger is None:
                raise SlackError("invalid_trigger_id")
            if trigger.used:
                raise SlackError("exchanged_trigger_id")
            if time.monotonic() - trigger.issued > self.trigger_seconds:
                raise SlackError("expired_trigger_id")
            trigger.used = True
            view = View(self.ids.make("V"), trigger.user, {}, self._hash())
            view.body = self._shown(view, body)
            self._views[view.id] = view
            return copy.deepcopy(view.body)

    def _hash(self) -> str:
        return f"{int(time.time())}.{self.ids.make('', 8).lower()}"

    def _shown(self, view: View, body: dict[str, Any]) -> dict[str, Any]:
        """The view object as Slack returns and sends it (block IDs filled in)."""
        blocks = copy.deepcopy(body.get("blocks") or [])
        for block in blocks:
            block.setdefault("block_id", self.ids.block())
            element = block.get("element")
            if isinstance(element, dict):
                element.setdefault("action_id", self.ids.block())
        ws = self.ws
        return {
            "id": view.id,
            "team_id": ws.team_id,
            "type": "modal",
            "blocks": blocks,
            "private_metadata": str(body.get("private_metadata", "")),
            "callback_id": str(body.get("callback_id", "")),
            "state": {"values": {}},
            "hash": view.hash,
            "title": copy.deepcopy(body["title"]),
            "clear_on_close": bool(body.get("clear_on_close", False)),
            "notify_on_close": bool(body.get("notify_on_close", False)),
            "close": copy.deepcopy(body.get("close")),
            "submit": copy.deepcopy(body.get("submit")),
            "previous_view_id": None,
            "root_view_id": view.id,
            "app_id": ws.app_id,
            "external_id": str(body.get("external_id", "")),
            "app_installed_team_id": ws.team_id,
            "bot_id": ws.bot.bot_id,
        }

    def all(self) -> list[View]:
        """Every modal opened, oldest first."""
        with self._lock:
            return list(self._views.values())

    def get(self, view_id: str) -> View:
        with self._lock:
            found = self._views.get(view_id)
        if found is None:
            raise SlackError("not_found")
        return found

    def submission(
        self, view_id: str, values: dict[str, str], verification_token: str
    ) -> tuple[str, dict[str, Any]] | dict[str, str]:
        """The ``view_submission`` payload for the user typing ``values`` (block ID -> text)
        and pressing submit, with its trigger ID; or the errors the Slack client shows
        without sending anything (a required input left empty)."""
        view = self.get(view_id)
        with self._lock:
            if view.state != "open":
                raise SlackError("view_closed")
            body = copy.deepcopy(view.body)
        state: dict[str, dict[str, Any]] = {}
        refused: dict[str, str] = {}
        for block in input_blocks(body):
            element = block["element"]
            value = values.get(block["block_id"], "")
            if not value and not block.get("optional", False):
                refused[block["block_id"]] = REQUIRED
            state[block["block_id"]] = {
                element["action_id"]: {
                    "type": element.get("type", "plain_text_input"),
                    "value": value or None,
                }
            }
        if refused:
            return refused
        body["state"] = {"values": state}
        user = self.ws.user(view.user)
        trigger_id = self.trigger(user)
        with self._lock:
            view.submissions += 1
        payload = {
            "type": "view_submission",
            "team": {"id": self.ws.team_id, "domain": self.ws.domain},
            "user": {
                "id": user.id,
                "username": user.name,
                "name": user.name,
                "team_id": self.ws.team_id,
            },
            "api_app_id": self.ws.app_id,
            "token": verification_token,
            "trigger_id": trigger_id,
            "view": body,
            "response_urls": [],
            "is_enterprise_install": False,
            "enterprise": None,
        }
        return trigger_id, payload

    def answered(self, payload: dict[str, Any], answer: Any) -> None:
        """The app acknowledged a ``view_submission`` with ``answer`` (its response body)."""
        view_id = str((payload.get("view") or {}).get("id", ""))
        with self._lock:
            view = self._views.get(view_id)
            if view is None:
                return
            view.answer = copy.deepcopy(answer)
            action = answer.get("response_action") if isinstance(answer, dict) else None
            if action == "errors":
                errors = answer.get("errors") or {}
                known = {b["block_id"] for b in input_blocks(view.body)}
                if not isinstance(errors, dict) or not errors or set(errors) - known:
                    view.problem = "errors must name input blocks of the view"
                    return
                view.errors, view.problem = {str(k): str(v) for k, v in errors.items()}, ""
                return
            view.state, view.errors, view.problem = "closed", {}, ""
