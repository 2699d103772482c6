"""A real APScheduler 3 scheduler that runs due jobs only when told, in the calling thread:
tests move the clock with time-machine and call ``run_due`` (no threads, no sleeps)."""

from __future__ import annotations

from apscheduler.executors.base import BaseExecutor
from apscheduler.executors.debug import DebugExecutor
from apscheduler.schedulers.base import BaseScheduler


class ManualScheduler(BaseScheduler):
    def __init__(self) -> None:
        super().__init__(timezone="UTC")

    def _create_default_executor(self) -> BaseExecutor:
        return DebugExecutor()

    def wakeup(self) -> None:
        """Nothing to wake: jobs run at the next ``run_due``."""

    def shutdown(self, wait: bool = True) -> None:
        super().shutdown(wait=False)

    def run_due(self) -> None:
        """Run every job due at the (fake) current time, as the scheduler's loop would."""
        self._process_jobs()
