"""`sheet provision | push | pull`: set up a Google Sheet and move a district to and from it."""

from __future__ import annotations

import argparse
from pathlib import Path

from bot.commands.acting import acting, wait_option
from bot.commands.common import chosen_config, config_option
from bot.config import Config
from bot.errors import ConfigError
from bot.templates import load_template
from bot.workbook.sheets_api import SheetsApi


def _api(config: Config) -> SheetsApi:
    from bot.workbook.gsheets import open_api

    if config.workbook_backend != "gsheets":
        raise ConfigError('`sheet` commands need [workbook] backend = "gsheets"')
    return open_api(config.spreadsheet_id, config.credentials, config.endpoint or None)


def _provision(args: argparse.Namespace) -> int:
    from bot.commands.create import action_names
    from bot.workbook.gsheets import bot_account
    from bot.workbook.sheets_provision import provision

    config = chosen_config(args)
    editor = bot_account(config.credentials)
    api = _api(config)
    with acting(config, args.wait):
        changes = provision(api, load_template(), action_names(), editor)
    print("\n".join(changes) if changes else "Nothing to change: the sheet matches the template.")
    return 0


def _push(args: argparse.Namespace) -> int:
    from bot.workbook.sheets_sync import push

    config = chosen_config(args)
    if not args.source.is_file():
        raise ConfigError(f"no workbook at {args.source}")
    api = _api(config)
    with acting(config, args.wait):
        rows = push(args.source, api, load_template(), force=args.force)
    print("Pushed " + ", ".join(f"{n} {tab}" for tab, n in rows.items()) + " rows.")
    return 0


def _pull(args: argparse.Namespace) -> int:
    from bot.workbook.sheets_sync import pull

    config = chosen_config(args)
    if args.target.exists() and not args.force:
        raise ConfigError(f"{args.target} exists; use --force to replace it")
    rows = pull(_api(config), load_template(), args.target)
    print(f"Wrote {args.target}: " + ", ".join(f"{n} {tab}" for tab, n in rows.items()) + " rows.")
    return 0


def register(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    sheet = commands.add_parser(
        "sheet",
        help="set up a Google Sheet; move a district between .xlsx and Google Sheets",
        description="Work on the Google Sheet named by [workbook] spreadsheet_id.",
    )
    actions = sheet.add_subparsers(dest="sheet_command", metavar="ACTION", required=True)
    prov = actions.add_parser(
        "provision",
        help="create or repair tabs, headers, checkboxes, dropdowns, protection, colours",
        description="Bring the sheet in line with sheets_templates/: running it twice changes "
        "nothing the second time.",
    )
    config_option(prov)
    wait_option(prov)
    prov.set_defaults(handler=_provision)
    push_cmd = actions.add_parser(
        "push",
        help="copy a local workbook's tabs into the sheet",
        description="Copy every tab of a local workbook into the Google Sheet. A sheet that "
        "already holds rows (Checklist, roster, Log, ...) is refused unless --force, which "
        "replaces them: pull a copy first.",
    )
    push_cmd.add_argument("--from", dest="source", type=Path, required=True, metavar="FILE.xlsx")
    push_cmd.add_argument(
        "--force", action="store_true", help="replace the rows the sheet already holds"
    )
    config_option(push_cmd)
    wait_option(push_cmd)
    push_cmd.set_defaults(handler=_push)
    pull_cmd = actions.add_parser("pull", help="copy the sheet's tabs into a local workbook")
    pull_cmd.add_argument("--to", dest="target", type=Path, required=True, metavar="FILE.xlsx")
    pull_cmd.add_argument("--force", action="store_true", help="replace an existing file")
    config_option(pull_cmd)
    pull_cmd.set_defaults(handler=_pull)
