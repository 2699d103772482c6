"""Every playbook's demo end to end over HTTP: the fake LMS serves the demo's store, the config
names it (``[lms] endpoint``, the token in ROLLOVER_LMS_TOKEN, Schoology's keys in its
variables), and the first cycle, the approvals and the cycles the demo's hints give run over
the APIs. The same demo run in-process, side by side, ends the same: every step's status and
result, every record of the LMS; the fake applied no change twice, and the adapters read each
kind as the in-process model holds it."""

from __future__ import annotations

import re
import shlex
import signal
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd
import pytest
import requests
import time_machine

from bot.cli import main
from bot.commands.create import make_demo
from bot.commands.demo_hints import demo_steps, next_steps
from bot.commands.run import cycle
from bot.config import Config, load_config
from bot.districts.playbooks import playbook_names
from bot.lms import open_lms
from bot.lms.http import HttpLMS
from bot.lms.http.lms import DESIGNED
from bot.lms.mock import MockLMS
from bot.testing.fake_lms import DEFAULT_TOKEN, FakeLMSServer
from tests.integration.test_whole_loop import checklist
from tests.reliability.http_district import KillSwitch

DAY = datetime(2026, 11, 23, 9, tzinfo=ZoneInfo("America/Chicago"))
STUDENTS = 60
STAMP = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d([-+]\d\d:\d\d)?")
SETTINGS = '["settings",'
SCHOOLOGY_KINDS = ("schools", "courses", "classes", "grading_periods")


@dataclass
class Demo:
    directory: Path

    @property
    def config_path(self) -> Path:
        return self.directory / "config.toml"

    @property
    def config(self) -> Config:
        return load_config(str(self.config_path))

    def follow(self, capsys: pytest.CaptureFixture[str]) -> list[list[str]]:
        """The first cycle, then each hinted command (not ``serve``), as a user would."""
        report = cycle(self.config, execute=True)
        text = next_steps(self.directory, report, demo_steps(self.config_path))
        hinted = []
        for line in text.split("Next, try:")[1].strip().splitlines():
            command, _, comment = line.strip().partition("  (")
            args = shlex.split(command)[1:]
            if args[0] == "serve":
                continue
            expected = 3 if comment.startswith("refused") else 0
            assert main(args) == expected, (args, capsys.readouterr())
            hinted.append([a.replace(str(self.directory), "<demo>") for a in args])
        capsys.readouterr()
        return hinted

    def steps(self) -> dict[str, tuple[str, str]]:
        """Each step's Status and Result, the demo's folder and the times left out."""
        where = str(self.directory)
        return {
            sid: (row["Status"], STAMP.sub("<time>", row["Result"].replace(where, "<demo>")))
            for sid, row in checklist(self.config).items()
        }

    def history(self) -> Counter[tuple[str, str, str, str]]:
        """The changes of records applied to the store (by the fake or in-process), per
        record (settings are compared as they read; the in-process model also logs calls
        that changed nothing)."""
        lms = MockLMS(self.config.lms_path)
        try:
            rows = lms.store.db.execute(
                "SELECT system, kind, action, id, before, after FROM history"
            )
            return Counter(
                (system, kind, action, record)
                for system, kind, action, record, before, after in rows
                if before != after and SETTINGS not in (before + after)
            )
        finally:
            lms.close()

    def records(self) -> dict[tuple[str, str, str], tuple[str, str]]:
        """Every record of the store: (system, kind, id) -> (status, data)."""
        lms = MockLMS(self.config.lms_path)
        try:
            rows = lms.store.db.execute("SELECT system, kind, id, status, data FROM records")
            where = str(self.directory)
            return {(s, k, i): (st, d.replace(where, "<demo>")) for s, k, i, st, d in rows}
        finally:
            lms.close()


def serve_demo(demo: Demo, fake: FakeLMSServer, monkeypatch: pytest.MonkeyPatch) -> None:
    """Point the demo's config at the fake (the token and Schoology's keys in the
    environment, never in the file)."""
    text = demo.config_path.read_text(encoding="utf-8")
    demo.config_path.write_text(
        text.replace("[lms]\n", f'[lms]\nendpoint = "{fake.url}"\n', 1), encoding="utf-8"
    )
    monkeypatch.setenv("ROLLOVER_LMS_TOKEN", DEFAULT_TOKEN)
    monkeypatch.setenv("SCHOOLOGY_CONSUMER_KEY", DEFAULT_TOKEN)
    monkeypatch.setenv("SCHOOLOGY_CONSUMER_SECRET", "demo-secret")


def same_frames(http: pd.DataFrame, mock: pd.DataFrame) -> None:
    """The same records, statuses and fields (columns in any order)."""

    def rows(frame: pd.DataFrame) -> dict[str, dict[str, object]]:
        return {
            str(r["id"]): {k: v for k, v in r.items() if v is not None and not pd.isna(v)}
            for r in frame.to_dict("records")
        }

    assert rows(http) == rows(mock)


def same_reads(demo: Demo, systems: list[str]) -> None:
    """What the adapters read over HTTP is what the in-process model holds."""
    http, mock = open_lms(demo.config), MockLMS(demo.config.lms_path)
    assert isinstance(http, HttpLMS)
    try:
        for system in systems:
            if system in DESIGNED:
                for kind in DESIGNED[system].collections:
                    same_frames(http.records(system, kind), mock.records(system, kind))
            else:
                for kind in SCHOOLOGY_KINDS:
                    theirs, ours = http.records(system, kind), mock.records(system, kind)
                    assert dict(zip(theirs["id"], theirs["status"], strict=True)) == dict(
                        zip(ours["id"], ours["status"], strict=True)
                    )
                staff = http.records(system, "educators").set_index("id")
                ours = mock.records(system, "educators").set_index("id")
                active = ours[ours["status"] == "active"]
                assert set(staff.index[staff["status"] == "active"]) == set(active.index)
                assert (staff.loc[active.index, "email"] == active["email"]).all()
            assert http.settings(system) == mock.settings(system)
    finally:
        http.close()
        mock.close()


@pytest.mark.parametrize("playbook", ["", *playbook_names()])
def test_every_playbooks_demo_runs_over_http_as_it_does_in_process(
    playbook: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    over_http, in_process = Demo(tmp_path / "http"), Demo(tmp_path / "local")
    with time_machine.travel(DAY):
        for demo in (over_http, in_process):
            make_demo(demo.directory, STUDENTS, True, DAY.date(), playbook)
        systems = sorted({row["System"] for row in checklist(in_process.config).values()} - {""})
        # The vendors' rate limits have tests of their own, on a clock that does not sleep.
        with FakeLMSServer(over_http.config.lms_path, rate_limits=False) as fake:
            serve_demo(over_http, fake, monkeypatch)
            hinted = over_http.follow(capsys)
            monkeypatch.delenv("ROLLOVER_LMS_TOKEN")
            assert in_process.follow(capsys) == hinted
            monkeypatch.setenv("ROLLOVER_LMS_TOKEN", DEFAULT_TOKEN)
            changes = requests.get(f"{fake.url}/_fake/changes", timeout=10).json()
            same_reads(over_http, [s for s in systems if s in (*DESIGNED, "Schoology")])
            served = [r for r in fake.requests if r.system]
    assert served, "the demo read nothing over HTTP"
    writes = [
        r
        for r in served
        if r.method in ("POST", "PUT")
        and r.status in (200, 201)
        and not r.path.endswith("/multiget")  # Schoology's batched reads
    ]
    # A playbook whose first day changes nothing (Schoology's: its writes are scheduled for
    # the rollover date) sends no write; every other demo sends some.
    assert bool(writes) == bool(in_process.history()), "writes differ from the model's changes"
    per_record = Counter((c["system"], c["kind"], c["record"], c["action"]) for c in changes)
    assert not per_record or max(per_record.values()) == 1, per_record.most_common(3)
    assert over_http.history() == in_process.history()
    assert {r.status for r in served} <= {200, 201, 404, 422}
    assert over_http.steps() == in_process.steps()
    assert over_http.records() == in_process.records()


def test_a_run_killed_mid_bulk_and_run_again_changes_no_record_twice(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``rollover-bot run --once`` over HTTP, SIGKILLed by the fake once it has applied the
    step's bulk request and before the bot hears the answer; run again, it reads the records
    back and logs each once."""
    demo = Demo(tmp_path / "demo")
    make_demo(demo.directory, STUDENTS, True, DAY.date())
    with FakeLMSServer(demo.config.lms_path, rate_limits=False) as fake:
        serve_demo(demo, fake, monkeypatch)
        source = str(demo.config_path)
        assert main(["check", "--config", source]) == 0
        assert (
            main(["approve", "S-001", "--as", "admin@demo-district.org", "--config", source]) == 0
        )
        planned = checklist(demo.config)["S-001"]
        switch = KillSwitch(fake)
        switch.arm(at=1, after=True)
        bot = subprocess.Popen(
            [sys.executable, "-m", "bot", "run", "--once", "--config", source],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        switch.target(bot.pid)
        _, err = bot.communicate(timeout=120)
        assert bot.returncode == -signal.SIGKILL, err
        assert switch.fired.is_set()
        killed = requests.get(f"{fake.url}/_fake/changes", timeout=10).json()
        assert killed, "the bulk request was applied before the kill"
        assert main(["run", "--once", "--config", source]) == 0
        changes = requests.get(f"{fake.url}/_fake/changes", timeout=10).json()
    capsys.readouterr()
    per_record = Counter((c["record"], c["action"]) for c in changes)
    assert max(per_record.values()) == 1, per_record.most_common(3)
    completed = sorted(r for r, a in per_record if a == "complete enrollments")
    step = checklist(demo.config)["S-001"]
    assert step["Status"] == "Done", step
    assert planned["Status"].startswith("Awaiting approval")
    log = MockLMS(demo.config.lms_path)
    try:
        statuses = log.records("Edgenuity", "enrollments").set_index("id")["status"]
    finally:
        log.close()
    assert set(statuses.loc[completed]) == {"completed"}
    assert f"Completed {len(completed)} enrollments" in step["Result"]
