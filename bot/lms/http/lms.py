"""The LMS seam over the five systems' APIs: each system's adapter is opened when the bot first
uses it (a district that uses no Schoology needs no Schoology keys)."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import pandas as pd

from bot.abc import LMS, Clock
from bot.config.schoology import SchoologyConfig
from bot.errors import ConfigError, LMSError, LMSUnavailable, RuleViolation
from bot.lms.http import edgenuity, renaissance, schoolstatus, twig
from bot.lms.http.client import ApiClient, Policy
from bot.lms.http.designed import DesignedAdapter, DesignedApi
from bot.lms.http.system import Result, SystemAdapter
from bot.lms.schoology.auth import credentials_from_env
from bot.structures import Operation, OpResult

DESIGNED: dict[str, DesignedApi] = {
    api.system: api for api in (edgenuity.API, schoolstatus.API, twig.API, renaissance.API)
}
SCHOOLOGY = "Schoology"
TOKEN_VARIABLE = "ROLLOVER_LMS_TOKEN"


@dataclass(frozen=True)
class HttpSettings:
    """Where the APIs are: ``endpoint`` is the host under which each designed API has its
    prefix (``<endpoint>/edgenuity``), called with ``token``; Schoology at its own. ``sleep``
    and ``clock`` time the waits and the rate limits (a test's own: nothing sleeps)."""

    endpoint: str
    token: str = field(repr=False)
    schoology: SchoologyConfig = field(default_factory=SchoologyConfig)
    policy: Policy = field(default_factory=Policy)
    sleep: Callable[[float], None] = field(default=time.sleep, repr=False, compare=False)
    clock: Callable[[], float] = field(default=time.monotonic, repr=False, compare=False)


def refused_token(system: str) -> Callable[..., LMSError]:
    def refused(response: object) -> LMSError:
        status = getattr(response, "status_code", 401)
        return LMSError(
            f"{system} refused the bot's API token ({status}): set {TOKEN_VARIABLE} to a token "
            f"{system} accepts, one with write access to the district; nothing was changed"
        )

    return refused


class HttpLMS(LMS):
    def __init__(self, settings: HttpSettings, clock: Clock | None = None) -> None:
        self.config = settings
        self.clock = clock
        self._adapters: dict[str, SystemAdapter] = {}
        self._lock = threading.Lock()

    def adapter(self, system: str) -> SystemAdapter:
        with self._lock:
            found = self._adapters.get(system)
            if found is None:
                found = self._adapters[system] = self._open(system)
            return found

    def _open(self, system: str) -> SystemAdapter:
        if system == SCHOOLOGY:
            from bot.lms.http.schoology import SchoologyAdapter

            schoology = self.config.schoology
            return SchoologyAdapter(
                schoology.endpoint,
                credentials_from_env(),
                schoology.signature_method,
                self.config.policy,
                self.clock,
                sleep=self.config.sleep,
                monotonic=self.config.clock,
            )
        api = DESIGNED.get(system)
        if api is None:
            known = ", ".join([*DESIGNED, SCHOOLOGY])
            raise LMSError(f"the LMS APIs have no system {system!r} (they are {known})")
        if not self.config.endpoint:
            raise ConfigError(
                f"{system} is reached over its API, but [lms] endpoint is not set: give the "
                'address of the LMS APIs, e.g. endpoint = "https://lms.example.org"'
            )
        client = ApiClient(
            system,
            f"{self.config.endpoint}/{api.slug}",
            limit=api.limit,
            headers={"Authorization": f"Bearer {self.config.token}"},
            refused=refused_token(system),
            policy=self.config.policy,
            sleep=self.config.sleep,
            clock=self.config.clock,
            wall=self.clock,
        )
        return DesignedAdapter(api, client)

    def bulk_size(self, system: str) -> int:
        return self.adapter(system).bulk_size()

    def execute(self, op: Operation) -> OpResult:
        (result,) = self.execute_many([op])
        if isinstance(result, LMSError):
            raise result
        return result

    def execute_many(self, ops: Sequence[Operation]) -> list[Result]:
        """Each system's operations through its adapter; results in the order given."""
        results: dict[int, Result] = {}
        by_system: dict[str, list[int]] = {}
        for n, op in enumerate(ops):
            by_system.setdefault(op.system, []).append(n)
        for system, indexes in by_system.items():
            answered = self.adapter(system).execute_many([ops[n] for n in indexes])
            if len(answered) != len(indexes):
                raise LMSError(f"{system} answered {len(answered)} of {len(indexes)} operations")
            for n, result in zip(indexes, answered, strict=True):
                if not isinstance(result, OpResult | RuleViolation | LMSUnavailable):
                    raise result
                results[n] = result
        return [results[n] for n in range(len(ops))]

    def records(self, system: str, kind: str) -> pd.DataFrame:
        return self.adapter(system).records(kind)

    def settings(self, system: str) -> dict[str, str]:
        return self.adapter(system).settings()

    def close(self) -> None:
        with self._lock:
            adapters, self._adapters = list(self._adapters.values()), {}
        for adapter in adapters:
            adapter.close()
