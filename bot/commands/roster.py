"""`import-roster` and `export-roster`: OneRoster 1.1 / 1.2 and SDS CSV bundles, and rosters
pulled from a OneRoster 1.1 / 1.2 REST API (``--api``)."""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from bot.commands.acting import acting, wait_option
from bot.commands.common import chosen_config, config_option
from bot.config import Config
from bot.errors import RolloverError
from bot.roster.export import FORMATS, export_roster
from bot.roster.importer import ImportReport, import_roster, seed_lms
from bot.roster.rest.auth import SECRET_VARIABLE, Credentials
from bot.roster.rest.fields import VERSIONS
from bot.roster.rest.importer import import_pulled, pull_roster
from bot.roster.rest.pull import PullRequest

MAX_PAGE = 10_000


def _api_request(args: argparse.Namespace) -> PullRequest:
    if args.path is not None:
        raise RolloverError(f"give either a bundle PATH ({args.path}) or --api URL, not both")
    if not args.client_id:
        raise RolloverError(
            "--api needs --client-id ID (the client ID, or OAuth 1.0a consumer key, your SIS "
            f"issued), with its secret in the environment variable {SECRET_VARIABLE}"
        )
    secret = os.environ.get(SECRET_VARIABLE, "")
    if not secret.strip():
        raise RolloverError(
            f"{SECRET_VARIABLE} is not set: put the client secret issued with --client-id "
            f"{args.client_id} in that environment variable (never on the command line)"
        )
    if not 1 <= args.page_size <= MAX_PAGE:
        raise RolloverError(f"--page-size must be from 1 to {MAX_PAGE:,}, not {args.page_size}")
    return PullRequest(
        api=args.api,
        credentials=Credentials(args.client_id, secret),
        version=args.oneroster_version,
        token_url=args.token_url,
        page_size=args.page_size,
    )


def _from_api(args: argparse.Namespace, config: Config) -> ImportReport:
    request = _api_request(args)
    pulled = pull_roster(config, request, args.since)
    client_id = request.credentials.client_id
    if args.dry_run:
        return import_pulled(config, pulled, client_id, dry_run=True, force=args.force)
    with acting(config, args.wait):
        report = import_pulled(config, pulled, client_id, force=args.force)
        if args.seed_lms:
            report.seeded = seed_lms(config)
    return report


def _import(args: argparse.Namespace) -> int:
    config = chosen_config(args)
    if args.api is not None:
        report = _from_api(args, config)
    elif args.path is None:
        raise RolloverError("give the bundle to import (a folder or .zip), or --api URL")
    elif args.dry_run:
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
        help="load a OneRoster 1.1 / 1.2 or SDS CSV bundle, or a OneRoster API, into the "
        "roster tabs",
        description="Merge a SIS export (a folder or .zip: OneRoster 1.1 / 1.2 with "
        "manifest.csv, SDS v1 or SDS v2.1 CSV), or the roster pulled from a OneRoster 1.1 / 1.2 "
        "REST API (--api), into the Students, Educators, Courses, Classes and Enrollments tabs. "
        "Rows match by ID; bot columns, Select and Notes are kept; rows are never deleted. A "
        "bad bundle or a failed pull is refused and the workbook left as it was.",
    )
    importer.add_argument(
        "path", type=Path, nargs="?", metavar="PATH", help="bundle folder or .zip"
    )
    api = importer.add_argument_group(
        "OneRoster API",
        f"pull from a OneRoster REST API instead of a bundle; the client secret is read from "
        f"the environment variable {SECRET_VARIABLE}",
    )
    api.add_argument(
        "--api",
        metavar="URL",
        help="the service's address (https://sis.example.org, or its .../ims/oneroster/v1p1 "
        "or .../ims/oneroster/rostering/v1p2 base)",
    )
    api.add_argument("--client-id", metavar="ID", help="client ID (1.1: OAuth consumer key)")
    api.add_argument(
        "--version",
        dest="oneroster_version",
        choices=VERSIONS,
        help="OneRoster version (default: told by the URL, else asked of the server)",
    )
    api.add_argument(
        "--token-url",
        metavar="URL",
        help="1.2: the provider's OAuth 2 token endpoint (default: <service root>/token)",
    )
    api.add_argument(
        "--since",
        metavar="WHEN",
        help="pull only the records changed since WHEN: a date, a date-time, or 'last' (this "
        "district's last pull); default: everything",
    )
    api.add_argument(
        "--page-size",
        type=int,
        default=100,
        metavar="N",
        help="records asked for per request (limit; default: %(default)s, the binding's)",
    )
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
