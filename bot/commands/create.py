"""`demo` and `init`: a directory holding a workbook, a config file and the bot's state."""

from __future__ import annotations

import argparse
import shutil
from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from bot.actions import registry
from bot.calendar.holidays import national_holidays
from bot.clock import LocalClock
from bot.commands.common import config_option, config_warnings
from bot.commands.demo_hints import demo_steps, next_steps
from bot.config import Config, load_config, render_config
from bot.core.catalogue import MANUAL
from bot.core.wording import count
from bot.districts.demo import ADMIN, COORDINATOR, build_district
from bot.districts.demo_playbooks import seed_extras
from bot.districts.new import NewDistrict, locale_country
from bot.districts.playbooks import playbook_names
from bot.errors import ConfigError, RolloverError
from bot.lms.mock import MockLMS
from bot.progress import phase, worth_a_line
from bot.structures import ROW
from bot.templates import load_template
from bot.workbook.base import frame_from_grid
from bot.workbook.xlsx_layout import create_workbook

MADE_FILES = ("rollover.xlsx", "config.toml", "state.sqlite", "lms.sqlite")


def prepare_dir(directory: Path, force: bool) -> None:
    """Create ``directory``; refuse to overwrite an earlier one unless ``force``."""
    existing = [n for n in MADE_FILES if (directory / n).exists()]
    if existing and not force:
        raise ConfigError(
            f"{directory} already holds {', '.join(existing)}; use --force to start over"
        )
    directory.mkdir(parents=True, exist_ok=True)
    for name in MADE_FILES:
        for path in directory.glob(name + "*"):
            if path.is_dir():
                shutil.rmtree(path)
            else:
                path.unlink()


def action_names() -> list[str]:
    """The Action column's choices: every action, and ``manual`` (a person's task)."""
    return sorted({spec.name for spec in registry().catalogue} | {MANUAL})


def make_demo(directory: Path, students: int, force: bool, today: date, playbook: str = "") -> Path:
    """The demo directory: sample district workbook, config, and the mock LMS seeded from it
    (every system its Checklist uses; ``playbook`` picks the Checklist)."""
    prepare_dir(directory, force)
    template = load_template()
    big = worth_a_line(students, "student")
    with phase(f"Building a sample district of {count(students, 'student')}", big):
        district = build_district(students=students, today=today, playbook=playbook)
    create_workbook(directory / "rollover.xlsx", template, district.tabs, action_names())
    config_path = directory / "config.toml"
    text = render_config(district.name, [ADMIN, COORDINATOR])
    config_path.write_text(text, encoding="utf-8")
    lms = MockLMS(directory / "lms.sqlite")
    try:
        with phase(f"Seeding the mock LMS ({', '.join(district.systems)})", big):
            frames = {}
            for tab in template.roster_tabs:
                rows = district.tabs.get(tab.name, [])
                grid = [tab.headers, *([r.get(h, "") for h in tab.headers] for r in rows)]
                frames[tab.name] = frame_from_grid(tab, grid).drop(columns=[ROW])
            for system in district.systems:
                lms.seed(system, frames)
            seed_extras(lms, district, today)
    finally:
        lms.close()
    return config_path


def make_empty(directory: Path, district: NewDistrict, force: bool, timezone: str) -> Path:
    """A directory for a real district: its playbooks' Checklist, a Calendar with the
    rollover and pause rows, empty roster tabs, and its config (holidays, rollover date)."""
    tabs = district.tabs()
    prepare_dir(directory, force)
    create_workbook(directory / "rollover.xlsx", load_template(), tabs, action_names())
    config_path = directory / "config.toml"
    text = render_config(
        district.name,
        [],
        timezone=timezone,
        country=district.country,
        subdivision=district.subdivision,
        rollover_date=district.rollover,
    )
    config_path.write_text(text, encoding="utf-8")
    return config_path


def _today() -> date:
    """The day a new directory is made, on this machine's calendar (as before a district's
    time zone is configured)."""
    return LocalClock().now().date()


def _demo(args: argparse.Namespace) -> int:
    from bot.commands.run import cycle, render_cycle

    if args.students < 1:
        raise RolloverError("--students must be at least 1")
    path = make_demo(args.dir, args.students, args.force, _today(), args.playbook or "")
    print(
        f"Created {args.dir}/rollover.xlsx ({count(args.students, 'student')}), {path.name} "
        "and state. "
        "Running one cycle...\n"
    )
    report = cycle(load_config(str(path)), execute=True)
    print(render_cycle(report))
    print(next_steps(args.dir, report, demo_steps(path)))
    return 0


def _init(args: argparse.Namespace) -> int:
    try:
        rollover = date.fromisoformat(args.rollover_date.strip())
    except ValueError as exc:
        why = f" ({exc})" if "-" in args.rollover_date else ""
        raise RolloverError(
            f"--rollover-date {args.rollover_date!r} is not a date{why}: give it as YYYY-MM-DD"
        ) from None
    today = _today()
    if rollover < today and not args.force:
        raise RolloverError(
            f"the rollover date {rollover} is in the past (today is {today}): give the date of "
            "the coming rollover, or add --force to set the district up for that date anyway"
        )
    notes = []
    country = (args.country or "").strip().upper()
    if not country:
        country, source = locale_country()
        if not country:
            raise RolloverError(
                "which country's national holidays should the district calendar skip? Give "
                "--country (an ISO 3166 code such as US, CA, GB; --subdivision for a state or "
                "province): this machine's locale names no country"
            )
        notes.append(
            f"National holidays: {country}, from this machine's locale ({source}); give "
            "--country to choose another."
        )
    try:
        national_holidays(country, args.subdivision or "", ())
    except ConfigError as exc:
        said = str(exc).replace("calendar.subdivision", "--subdivision")
        raise RolloverError(said.replace("calendar.country", "--country")) from None
    try:
        ZoneInfo(args.timezone)
    except (ZoneInfoNotFoundError, ValueError):
        raise RolloverError(
            f"--timezone {args.timezone!r} is not a time zone (an IANA name such as "
            "America/Chicago)"
        ) from None
    district = NewDistrict(
        args.district, args.playbook, rollover, country, args.subdivision or "", today
    )
    path = make_empty(args.dir, district, args.force, args.timezone)
    print(init_report(args.dir, path, district, load_config(str(path)), notes))
    return 0


def init_report(
    directory: Path, path: Path, district: NewDistrict, config: Config, notes: list[str]
) -> str:
    """What `init` made, what it assumed, and what to do next."""
    rows = district.checklist()
    people = sum(1 for r in rows if r["Action"] == MANUAL)
    past = [r["Step ID"] for r in rows if r["Due"] and r["Due"] < district.today.isoformat()]
    where = district.country + (f"-{district.subdivision}" if district.subdivision else "")
    lines = [
        f"Created {directory / 'rollover.xlsx'} and {path}.",
        f"Checklist: {len(rows)} steps from {', '.join(dict.fromkeys(district.playbooks))} "
        f"({people} of them people's steps, Action manual), due dates counted from the "
        f"rollover date {district.rollover} in business days (skipping {where} national "
        "holidays).",
        f"Calendar: the rollover ({district.rollover}) and the roster pause "
        f"({district.calendar_rows()[0]['Date']}, one business day before it).",
        *notes,
    ]
    if past:
        lines.append(
            f"Already past due: {', '.join(past)} (the rollover is close): move their Due "
            "dates or do them first."
        )
    lines += [f"Warning: {w}" for w in config_warnings(config)]
    lines.append(
        "Next: fill the roster tabs (or rollover-bot import-roster PATH), give each step an "
        "Owner, list your admins in approvals.admins, tick Run on a step, then: "
        f"rollover-bot check --config {path}"
    )
    return "\n".join(lines)


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    demo = commands.add_parser(
        "demo",
        help="create a sample district and run one cycle",
        description="Create DIR with a sample district workbook (rollover.xlsx), config.toml and "
        "state, then run one cycle and show what the bot did.",
    )
    demo.add_argument(
        "--dir",
        default="rollover-demo",
        type=Path,
        help="directory to create (default: %(default)s)",
    )
    demo.add_argument(
        "--students",
        type=int,
        default=300,
        metavar="N",
        help="number of students in the sample district (default: %(default)s)",
    )
    demo.add_argument("--force", action="store_true", help="replace an existing demo in DIR")
    demo.add_argument(
        "--playbook",
        metavar="NAME",
        choices=playbook_names(),
        help=f"start from this playbook's steps ({', '.join(playbook_names())})",
    )
    config_option(demo, district=False)
    demo.set_defaults(handler=_demo)

    init = commands.add_parser(
        "init",
        help="create a workbook and config for a real district from its vendors' playbooks",
        description="Create DIR with rollover.xlsx (the playbooks' steps as its Checklist, "
        "due dates counted from the rollover date; a Calendar with the rollover and pause "
        "rows; empty roster tabs) and config.toml (national holidays, the rollover date).",
    )
    init.add_argument("--dir", default=".", type=Path, help="directory (default: .)")
    init.add_argument("--district", default="My District", help="district name")
    init.add_argument(
        "--playbook",
        action="append",
        required=True,
        metavar="NAME",
        choices=playbook_names(),
        help=f"a vendor's playbook; repeat for several ({', '.join(playbook_names())})",
    )
    init.add_argument(
        "--rollover-date",
        required=True,
        metavar="YYYY-MM-DD",
        help="the rollover date every due date counts from (not in the past, unless --force)",
    )
    init.add_argument(
        "--country",
        metavar="CODE",
        help="national holidays of this country (ISO 3166, e.g. US; default: this "
        "machine's locale)",
    )
    init.add_argument("--subdivision", metavar="CODE", help="and of this state or province")
    init.add_argument(
        "--timezone",
        default="America/Chicago",
        metavar="ZONE",
        help="the district's time zone (default: %(default)s)",
    )
    init.add_argument(
        "--force",
        action="store_true",
        help="replace existing files; accept a rollover date in the past",
    )
    config_option(init, district=False)
    init.set_defaults(handler=_init)
