"""`import-roster` and `export-roster`: OneRoster 1.1 / 1.2 and SDS CSV bundles."""

from __future__ import annotations

import argparse
from pathlib import Path

from bot.commands.acting import acting, wait_option
from bot.commands.common import chosen_config, config_option
from bot.roster.export import FORMATS, export_roster
from bot.roster.importer import import_roster, seed_lms


def _import(args: argparse.Namespace) -> int:
    config = chosen_config(args)
    if args.dry_run:
        report = import_roster(config, args.path, dry_run=True, force=args.force)
    else:
        with acting(config, args.wait):
            report = import_roster(config, args.path, force=args.force)
            if args.seed_lms:
                report.seeded = seed_lms(config)
    print(report.render())
    return 2 if report.refused else 0


def _export(args: argparse.Namespace) -> int:
    config = chosen_config(args)
    print(export_roster(config, args.format, args.to, force=args.force).render())
    return 0


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    importer = commands.add_parser(
        "import-roster",
        help="load a OneRoster 1.1 / 1.2 or SDS CSV bundle into the roster tabs",
        description="Merge a SIS export (a folder or .zip: OneRoster 1.1 / 1.2 with "
        "manifest.csv, SDS v1 or SDS v2.1 CSV) into the Students, Educators, Courses, Classes "
        "and Enrollments tabs. Rows match by ID; bot columns, Select and Notes are kept; rows "
        "are never deleted. A bad bundle is refused and the workbook left as it was.",
    )
    importer.add_argument("path", type=Path, metavar="PATH", help="bundle folder or .zip")
    importer.add_argument(
        "--dry-run", action="store_true", help="report what would change; write nothing"
    )
    importer.add_argument(
        "--force",
        action="store_true",
        help="import even if a bulk bundle leaves out more students than safety.max_change_percent",
    )
    importer.add_argument(
        "--seed-lms",
        action="store_true",
        help="after the import, seed the mock LMS from the roster tabs (only if it is empty)",
    )
    config_option(importer)
    wait_option(importer)
    importer.set_defaults(handler=_import)

    exporter = commands.add_parser(
        "export-roster",
        help="write the roster tabs as a OneRoster CSV bundle",
        description="Write the roster tabs as a OneRoster bundle (bulk, with manifest.csv) to "
        "DIR, or to a .zip if DIR ends in .zip.",
    )
    exporter.add_argument("--format", required=True, choices=FORMATS, help="bundle format")
    exporter.add_argument("--to", required=True, type=Path, metavar="DIR", help="target")
    exporter.add_argument("--force", action="store_true", help="replace existing CSV files")
    config_option(exporter)
    exporter.set_defaults(handler=_export)
