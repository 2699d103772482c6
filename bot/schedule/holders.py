"""Who holds a lease, and whether a holder on this machine has died.

A holder is named ``host:pid:token`` and, where the process can be identified for sure (Linux),
``host:pid:token:proof``. The proof is the machine's boot and PID namespace (a short hash) and
the process's start time, so a holder is judged gone only when it ran here, in this PID
namespace since this boot, and its PID is now free, a zombie, or reused by a process that
started at another time. Anything else (another host or container, no proof, a process of
another user that cannot be read) counts as alive: its lease then simply expires.
"""

from __future__ import annotations

import hashlib
import os
import socket
import uuid
from dataclasses import dataclass
from functools import cache
from pathlib import Path

PROC = Path("/proc")


@dataclass(frozen=True)
class Holder:
    host: str
    pid: int
    proof: str

    def describe(self) -> str:
        return f"process {self.pid} on {self.host}"


def parse(holder: str) -> Holder | None:
    """The parts of a ``host:pid:token[:proof]`` name; None for any other name."""
    parts = holder.split(":")
    if len(parts) not in (3, 4) or not parts[0] or not parts[1].isdigit():
        return None
    return Holder(parts[0], int(parts[1]), parts[3] if len(parts) == 4 else "")


def describe(holder: str) -> str:
    """``process 4242 on ws-12`` for a name this module made, else the name itself."""
    parsed = parse(holder)
    return parsed.describe() if parsed is not None else holder


def instance_name(pid: int | None = None) -> str:
    """Who this process is, as other processes see it: ``host:pid:random[:proof]``."""
    pid = os.getpid() if pid is None else pid
    name = f"{socket.gethostname()}:{pid}:{uuid.uuid4().hex[:6]}"
    proof = process_proof(pid)
    return f"{name}:{proof}" if proof else name


def process_proof(pid: int) -> str:
    """``<scope>-<start>`` for a running process here; empty when it cannot be told."""
    scope = machine_scope()
    started = start_ticks(pid)
    if not scope or started is None:
        return ""
    return f"{scope}-{started}"


@cache
def machine_scope() -> str:
    """A short hash of this boot and this PID namespace: PIDs mean the same process only
    within one of them. Empty where /proc does not say (then no holder is judged gone)."""
    try:
        boot = (PROC / "sys/kernel/random/boot_id").read_text(encoding="ascii").strip()
        namespace = str((PROC / "self/ns/pid").readlink())
    except OSError:
        return ""
    return hashlib.sha256(f"{boot}|{namespace}".encode()).hexdigest()[:8]


def _stat(pid: int) -> list[str] | None:
    """The fields of /proc/PID/stat after the command name (which may hold spaces)."""
    try:
        text = (PROC / str(pid) / "stat").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return None
    return text[text.rfind(")") + 2 :].split()


def start_ticks(pid: int) -> int | None:
    """When the process started, in clock ticks since boot (field 22 of /proc/PID/stat)."""
    fields = _stat(pid)
    if fields is None or len(fields) < 20 or not fields[19].isdigit():
        return None
    return int(fields[19])


def is_gone(holder: str) -> bool:
    """True only when ``holder`` surely no longer runs (see the module's note)."""
    parsed = parse(holder)
    if parsed is None or not parsed.proof or parsed.host != socket.gethostname():
        return False
    scope, _, started = parsed.proof.partition("-")
    if not scope or scope != machine_scope() or not started.isdigit():
        return False
    try:
        os.kill(parsed.pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        pass
    fields = _stat(parsed.pid)
    if fields is None or len(fields) < 20:
        return False
    if fields[0] in ("Z", "X"):
        return True
    return fields[19] != started
