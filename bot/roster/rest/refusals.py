"""What a refusal from a OneRoster API means, said so that the reader knows what to do."""

from __future__ import annotations

from dataclasses import dataclass

import requests

from bot.roster.rest.auth import CORE_SCOPE, DEMOGRAPHICS_SCOPE, wrong_secret
from bot.roster.rest.errors import UNCHANGED, Refused
from bot.roster.rest.fields import V11
from bot.roster.rest.http import describe


@dataclass(frozen=True)
class Refusals:
    """Explains the refusals of the service ``api`` (as given to --api) to ``client_id``."""

    api: str
    client_id: str
    version: str

    def __call__(self, response: requests.Response) -> Refused:
        code = response.status_code
        said = describe(response)
        target = f"GET {response.url.split('?', 1)[0]}"
        if code == 401:
            how = (
                "OneRoster 1.1 signs each request with OAuth 1.0a, so this machine's clock must "
                "also be right to within a few minutes"
                if self.version == V11
                else "OneRoster 1.2 uses OAuth 2 client credentials"
            )
            return Refused(wrong_secret(self.client_id, f"{said}, for {target}", how), code)
        if code == 403:
            demographics = "/demographics" in target
            if self.version == V11:
                need = "permission to read it"
            else:
                need = f"the OAuth 2 scope {DEMOGRAPHICS_SCOPE if demographics else CORE_SCOPE}"
            return Refused(
                f"the OneRoster API refused {target} ({said}): client ID {self.client_id} lacks "
                f"{need}; ask the SIS administrator to grant it; {UNCHANGED}",
                code,
            )
        if code == 404:
            return Refused(
                f"{target} was not found ({said}): check --api {self.api} (the address of the "
                f"OneRoster {self.version} service your SIS gives); {UNCHANGED}",
                code,
            )
        hint = ""
        if code == 400 and "filter=" in response.url:
            hint = " (it may not filter on dateLastModified: run without --since for a full pull)"
        return Refused(f"the OneRoster API refused {target} ({said}){hint}; {UNCHANGED}", code)
