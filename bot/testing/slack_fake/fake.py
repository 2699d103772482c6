"""``FakeSlack``: the in-process facade tying workspace, Web API, delivery and server together."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Mapping
from types import TracebackType
from typing import Any

from bot.testing.slack_fake.delivery import EVENTS_API, INTERACTIVE, Dispatcher
from bot.testing.slack_fake.events import (
    block_actions_payload,
    event_callback,
    message_changed_event,
    message_deleted_event,
    message_event,
)
from bot.testing.slack_fake.faults import FaultPlan
from bot.testing.slack_fake.ids import IdFactory, TsClock
from bot.testing.slack_fake.model import Channel, Message, SlackError, Workspace
from bot.testing.slack_fake.server import make_server
from bot.testing.slack_fake.shapes import message_json
from bot.testing.slack_fake.views import TRIGGER_SECONDS, Views
from bot.testing.slack_fake.web_api import WebApi
from bot.testing.slack_fake.websocket import WebSocketConnection


class FakeSlack:
    """A local Slack: Web API, Socket Mode / signed-HTTP event delivery and control methods.

    ``users`` is an iterable of ``{"id"?, "email"?, "name"}`` mappings. Without ``request_url``
    events go over Socket Mode (clients connect through ``apps.connections.open``); with it
    they are POSTed to that URL, signed with ``signing_secret``.
    """

    def __init__(
        self,
        users: Iterable[Mapping[str, str]] = (),
        *,
        signing_secret: str = "fake-signing-secret",
        bot_token: str = "xoxb-fake-bot-token",
        app_token: str = "xapp-1-fake-app-token",
        verification_token: str = "fake-verification-token",
        channels: Iterable[str] = ("rollover",),
        request_url: str | None = None,
        interactivity_url: str | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        ts_start: float | None = None,
        seed: int = 0,
        team_name: str = "Rollover Test",
        bot_name: str = "rollover-bot",
        redeliver_after: float | None = None,
        trigger_seconds: float = TRIGGER_SECONDS,
    ) -> None:
        self.signing_secret = signing_secret
        self.bot_token = bot_token
        self.app_token = app_token
        self.verification_token = verification_token
        self.workspace = Workspace(IdFactory(seed), TsClock(ts_start), team_name, bot_name)
        for user in users:
            self.add_user(user["name"], email=user.get("email"), user_id=user.get("id"))
        for name in channels:
            self.workspace.create_channel(name)
        self.faults = FaultPlan()
        self.dispatcher = Dispatcher(signing_secret)
        self.dispatcher.on_ack = self._acked
        self.configure_delivery(request_url, interactivity_url)
        self.views = Views(self.workspace, trigger_seconds)
        self.api = WebApi(self.workspace, bot_token, app_token, self.faults, self, self.views)
        self._host, self._port = host, port
        self._redeliver_after = redeliver_after
        self._server: Any = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        self._tickets: set[str] = set()
        self._ephemeral: list[dict[str, Any]] = []
        self._responses: dict[str, dict[str, Any]] = {}
        self._response_calls: list[dict[str, Any]] = []

    def start(self) -> FakeSlack:
        """Bind the server and start serving in a background thread."""
        self._server = make_server(self, self._host, self._port)
        self._port = self._server.server_address[1]
        self.dispatcher.start()
        if self._redeliver_after is not None:
            self.dispatcher.start_redeliver_timer(self._redeliver_after)
        self._thread = threading.Thread(
            target=self._server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Close WebSockets, stop the server and the delivery threads."""
        self.dispatcher.close()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> FakeSlack:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def port(self) -> int:
        """The bound port (after ``start``)."""
        return int(self._port)

    @property
    def url(self) -> str:
        """Base URL, e.g. ``http://127.0.0.1:PORT/``."""
        return f"http://{self._host}:{self.port}/"

    @property
    def api_url(self) -> str:
        """``base_url`` for slack_sdk's ``WebClient``."""
        return self.url + "api/"

    @property
    def team_id(self) -> str:
        """The workspace ID."""
        return self.workspace.team_id

    @property
    def app_id(self) -> str:
        """The app ID."""
        return self.workspace.app_id

    @property
    def bot_user_id(self) -> str:
        """The bot user's ID (``auth.test`` ``user_id``)."""
        return self.workspace.bot.id

    @property
    def bot_id(self) -> str:
        """The bot ID (``B...``)."""
        return str(self.workspace.bot.bot_id)

    def add_user(
        self, name: str, email: str | None = None, user_id: str | None = None
    ) -> dict[str, Any]:
        """Add a human member; returns ``{id, name, email}``."""
        user = self.workspace.add_user(name=name, email=email, user_id=user_id)
        return {"id": user.id, "name": user.name, "email": user.email}

    def user_id(self, name_or_email: str) -> str:
        """The ID of the member with this name or e-mail."""
        with self.workspace.lock:
            for user in self.workspace.users.values():
                if name_or_email in (user.name, user.email):
                    return user.id
        raise SlackError("user_not_found")

    def create_channel(self, name: str, is_private: bool = False) -> str:
        """Create (or find) a channel by name; returns its ID."""
        return self.workspace.create_channel(name, is_private).id

    def channel_id(self, ref: str) -> str:
        """Resolve ``#name``, ``name`` or an ID to the channel ID."""
        return self.workspace.channel(ref).id

    def configure_delivery(
        self, request_url: str | None, interactivity_url: str | None = None
    ) -> dict[str, Any]:
        """Deliver over signed HTTP to ``request_url``, or over Socket Mode if it is ``None``."""
        self.dispatcher.request_url = request_url
        self.dispatcher.interactivity_url = interactivity_url
        return {"mode": self.dispatcher.mode}

    def fail_next(
        self,
        method: str | None = None,
        *,
        status: int = 429,
        count: int = 1,
        retry_after: int | None = None,
    ) -> dict[str, Any]:
        """Make the next ``count`` calls of ``method`` (any if ``None``) fail with ``status``."""
        self.faults.add(method, status, count, retry_after)
        return {"ok": True}

    def post_as_user(
        self,
        channel: str,
        user: str,
        text: str,
        thread_ts: str | None = None,
        blocks: list[dict[str, Any]] | None = None,
    ) -> dict[str, Any]:
        """A human (ID, name or e-mail) posts; the ``message`` event is delivered."""
        author = self.workspace.user(user if user in self.workspace.users else self.user_id(user))
        target = self.workspace.channel(channel, create=True)
        message = self.workspace.post(target, author, text, blocks=blocks, thread_ts=thread_ts)
        event_id = self._deliver_event(message_event(self.workspace, message, target))
        return {"ok": True, "channel": target.id, "ts": message.ts, "event_id": event_id}

    def edit_message(
        self,
        channel: str,
        ts: str,
        text: str | None = None,
        blocks: list[dict[str, Any]] | None = None,
    ) -> dict[str, Any]:
        """Edit any message as its author; the ``message_changed`` event is delivered."""
        target = self.workspace.channel(channel)
        previous, message = self.workspace.edit(target, ts, text, blocks)
        event_id = self._deliver_edit(previous, message, target)
        return {"ok": True, "channel": target.id, "ts": message.ts, "event_id": event_id}

    def delete_message(self, channel: str, ts: str) -> dict[str, Any]:
        """Delete a message (a thread's first message takes its replies with it), as its
        author or an admin does in Slack; the ``message_deleted`` event is delivered."""
        target = self.workspace.channel(channel)
        message = self.workspace.find(target, ts)
        self.workspace.delete(target, ts)
        event_id = self._deliver_event(message_deleted_event(self.workspace, message, target))
        return {"ok": True, "channel": target.id, "ts": ts, "event_id": event_id}

    def click(
        self, channel: str, ts: str, action_id: str, user: str, value: str | None = None
    ) -> dict[str, Any]:
        """``user`` clicks the element ``action_id`` of a message: a ``block_actions`` payload."""
        ws = self.workspace
        target = ws.channel(channel)
        message = ws.find(target, ts)
        clicker = ws.user(user if user in ws.users else self.user_id(user))
        trigger_id = self.views.trigger(clicker)
        response_id = ws.ids.make("R")
        payload = block_actions_payload(
            ws,
            user=clicker,
            channel=target,
            message=message,
            action_id=action_id,
            value=value,
            action_ts=ws.clock.next(),
            trigger_id=trigger_id,
            response_url=f"{self.url}_fake/response_url/{response_id}",
            verification_token=self.verification_token,
        )
        with self._lock:
            self._responses[response_id] = {"channel": target.id, "ts": message.ts}
        self.dispatcher.dispatch(INTERACTIVE, trigger_id, payload)
        return {"ok": True, "trigger_id": trigger_id, "response_id": response_id}

    def submit_view(self, view_id: str, values: dict[str, str]) -> dict[str, Any]:
        """The user of an open modal types ``values`` (input block ID -> text) and presses
        submit: a ``view_submission`` payload, keyed by its ``trigger_id``. A required input
        left empty is refused by the Slack client: nothing is sent, ``errors`` says where."""
        made = self.views.submission(view_id, values, self.verification_token)
        if isinstance(made, dict):
            return {"ok": False, "errors": made}
        trigger_id, payload = made
        self.dispatcher.dispatch(INTERACTIVE, trigger_id, payload)
        return {"ok": True, "trigger_id": trigger_id, "view_id": view_id}

    def view(self, view_id: str) -> dict[str, Any]:
        """A modal: ``state`` (open / closed), the ``errors`` it shows, the app's last answer."""
        return self.views.get(view_id).as_dict()

    def modals(self) -> list[dict[str, Any]]:
        """Every modal opened with ``views.open``, oldest first (as ``view`` shows one)."""
        return [view.as_dict() for view in self.views.all()]

    def _acked(self, kind: str, payload: dict[str, Any], answer: Any) -> None:
        """Delivery hook: the app's answer to a view submission closes or keeps the modal."""
        if kind == INTERACTIVE and payload.get("type") == "view_submission":
            self.views.answered(payload, answer)

    def response_url_post(self, response_id: str, body: dict[str, Any]) -> dict[str, Any]:
        """Handle a POST to a click's ``response_url`` (replace / delete / in_channel)."""
        with self._lock:
            origin = self._responses.get(response_id)
            self._response_calls.append({"response_id": response_id, "body": body})
        if origin is None:
            raise SlackError("expired_url")
        channel = self.workspace.channel(origin["channel"])
        if body.get("delete_original"):
            self.workspace.delete(channel, origin["ts"])
        elif body.get("replace_original"):
            self.edit_message(
                channel.id, origin["ts"], text=body.get("text", ""), blocks=body.get("blocks")
            )
        elif body.get("response_type") == "in_channel":
            message = self.workspace.post(
                channel, self.workspace.bot, body.get("text", ""), blocks=body.get("blocks")
            )
            self.message_posted(message, channel)
        return {"ok": True}

    def _deliver_event(self, event: dict[str, Any]) -> str:
        event_id = self.workspace.ids.event()
        envelope = event_callback(self.workspace, event, event_id, self.verification_token)
        self.dispatcher.dispatch(EVENTS_API, event_id, envelope)
        return event_id

    def _deliver_edit(self, previous: Message, message: Message, channel: Channel) -> str:
        return self._deliver_event(
            message_changed_event(self.workspace, previous, message, channel)
        )

    def message_posted(self, message: Message, channel: Channel) -> None:
        """Web API hook: deliver the new message's event."""
        self._deliver_event(message_event(self.workspace, message, channel))

    def message_edited(self, previous: Message, message: Message, channel: Channel) -> None:
        """Web API hook: deliver ``message_changed``."""
        self._deliver_edit(previous, message, channel)

    def ephemeral_posted(self, record: dict[str, Any]) -> None:
        """Web API hook: remember an ephemeral message."""
        with self._lock:
            self._ephemeral.append(record)

    def socket_url(self) -> str:
        """Web API hook: issue a Socket Mode URL with a fresh ticket."""
        ticket = self.workspace.ids.opaque()
        with self._lock:
            self._tickets.add(ticket)
        return f"ws://{self._host}:{self.port}/link/?ticket={ticket}&app_id={self.app_id}"

    def ticket_valid(self, ticket: str) -> bool:
        """Whether ``ticket`` was issued by ``apps.connections.open``."""
        with self._lock:
            return ticket in self._tickets

    def serve_socket(self, ws: WebSocketConnection) -> None:
        """Run one Socket Mode connection until it closes (called on the server thread)."""
        hello = {
            "type": "hello",
            "debug_info": {
                "host": "fake-applink",
                "build_number": 1,
                "approximate_connection_time": 18060,
            },
            "connection_info": {"app_id": self.app_id},
        }
        try:
            self.dispatcher.attach_socket(ws, hello)
            while (text := ws.receive()) is not None:
                self.dispatcher.on_socket_message(text)
        except OSError:
            pass
        finally:
            self.dispatcher.detach_socket(ws)
            ws.close()

    def disconnect_socket_clients(self, reason: str | None = "refresh_requested") -> int:
        """Drop all Socket Mode connections, after a ``disconnect`` message if ``reason``."""
        return self.dispatcher.disconnect_sockets(reason)

    def requests(self, method: str | None = None) -> list[dict[str, Any]]:
        """Every Web API call received (method, params without token, status, ok, error)."""
        return self.api.requests(method)

    def wait_for_requests(
        self, method: str, count: int = 1, timeout: float = 5.0
    ) -> list[dict[str, Any]]:
        """Block until ``method`` has been called ``count`` times."""
        return self.api.wait_for(method, count, timeout)

    def messages(self) -> dict[str, list[dict[str, Any]]]:
        """Per channel name: parents (event shape, with ``edited``) and their ``replies``."""
        ws = self.workspace
        with ws.lock:
            return {
                channel.name: [
                    {
                        **message_json(parent, ws, for_event=True),
                        "replies": [message_json(r, ws, for_event=True) for r in parent.replies],
                    }
                    for parent in channel.messages
                ]
                for channel in ws.channels.values()
            }

    def ephemeral_messages(self) -> list[dict[str, Any]]:
        """Ephemeral messages posted with ``chat.postEphemeral``."""
        with self._lock:
            return [dict(r) for r in self._ephemeral]

    def response_url_calls(self) -> list[dict[str, Any]]:
        """Bodies POSTed to ``response_url``s."""
        with self._lock:
            return [dict(r) for r in self._response_calls]

    def deliveries(self) -> list[dict[str, Any]]:
        """Every event / interaction delivered, with attempts, acks and responses."""
        return self.dispatcher.deliveries()

    def wait_for_delivery(
        self, key: str, *, attempts: int = 1, acked: bool = True, timeout: float = 5.0
    ) -> dict[str, Any]:
        """Block until delivery ``key`` (event_id or trigger_id) has ``attempts`` acked attempts."""
        return self.dispatcher.wait(key, attempts=attempts, acked=acked, timeout=timeout)

    def wait_for_socket_client(self, count: int = 1, timeout: float = 5.0) -> None:
        """Block until ``count`` Socket Mode clients are connected (and greeted)."""
        self.dispatcher.wait_for_sockets(count, timeout)

    def redeliver(self, event_id: str, reason: str | None = None) -> dict[str, Any]:
        """Deliver ``event_id`` again (duplicate delivery), ``retry_attempt`` + 1."""
        try:
            attempt = self.dispatcher.redeliver(event_id, reason)
        except KeyError:
            raise SlackError("event_not_found") from None
        return {"ok": True, "event_id": event_id, "retry_attempt": attempt.retry_attempt}

    def redeliver_unacked(self) -> list[str]:
        """Retry every un-acked event now; returns their event IDs."""
        return self.dispatcher.redeliver_unacked()
