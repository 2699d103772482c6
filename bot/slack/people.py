"""Slack people: who a user is (users.info) and who an email is (users.lookupByEmail),
each looked up once and cached; Slack errors become NotifierError here."""

from __future__ import annotations

import threading
from dataclasses import dataclass

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError

from bot.core.approvals import Policy, is_slack_user_id
from bot.errors import NotifierError


@dataclass(frozen=True)
class Person:
    user_id: str
    email: str
    name: str
    is_bot: bool = False

    @property
    def who(self) -> str:
        """How decisions name them: their email, else their Slack ID."""
        return self.email or self.user_id


class Directory:
    def __init__(self, client: WebClient) -> None:
        self.client = client
        self._lock = threading.Lock()
        self._people: dict[str, Person] = {}
        self._ids: dict[str, str] = {}

    def person(self, user_id: str) -> Person:
        """``users.info``; a user Slack does not know is a Person with no email."""
        with self._lock:
            known = self._people.get(user_id)
        if known is not None:
            return known
        try:
            user = self.client.users_info(user=user_id)["user"]
        except SlackApiError as exc:
            if exc.response.get("error") != "user_not_found":
                raise NotifierError(
                    f"Slack users.info failed: {exc.response.get('error')}"
                ) from None
            found = Person(user_id, "", user_id)
        except (SlackClientError, OSError) as exc:
            raise NotifierError(f"cannot reach Slack for users.info: {exc}") from None
        else:
            profile = user.get("profile") or {}
            found = Person(
                user_id,
                str(profile.get("email") or ""),
                str(user.get("name") or user_id),
                bool(user.get("is_bot")),
            )
        with self._lock:
            self._people[user_id] = found
        return found

    def user_id(self, email_or_id: str) -> str:
        """The Slack ID of an email (``users.lookupByEmail``), ``""`` when Slack has none."""
        ref = email_or_id.strip()
        if is_slack_user_id(ref):
            return ref.upper()
        key = ref.casefold()
        if not key or "@" not in key:
            return ""
        with self._lock:
            if key in self._ids:
                return self._ids[key]
        try:
            found = str(self.client.users_lookupByEmail(email=ref)["user"]["id"])
        except SlackApiError as exc:
            if exc.response.get("error") not in ("users_not_found", "user_not_found"):
                raise NotifierError(
                    f"Slack users.lookupByEmail failed: {exc.response.get('error')}"
                ) from None
            found = ""
        except (SlackClientError, OSError) as exc:
            raise NotifierError(f"cannot reach Slack for users.lookupByEmail: {exc}") from None
        with self._lock:
            self._ids[key] = found
        return found

    def mention(self, email_or_id: str) -> str:
        """``<@U...>`` when Slack knows them, else the text as given."""
        found = self.user_id(email_or_id)
        return f"<@{found}>" if found else email_or_id

    def resolve(self, policy: Policy) -> Policy:
        """The policy also knowing each admin's other name: IDs of admin emails, emails of
        admin IDs."""
        ids = [self.user_id(email) for email in sorted(policy.admins)]
        emails = [self.person(uid).email for uid in sorted(policy.admin_ids)]
        return policy.with_people(emails, ids)
