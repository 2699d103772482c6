"""What every command shares: the --config and --district options."""

from __future__ import annotations

import argparse
import sys

from bot.config import Config, load_config


def config_option(parser: argparse.ArgumentParser, district: bool = True) -> None:
    """``--config``, and ``--district`` for commands that act on an existing district."""
    parser.add_argument(
        "--config",
        metavar="FILE",
        help="configuration file (default: $ROLLOVER_CONFIG, else ./config.toml)",
    )
    if not district:
        return
    parser.add_argument(
        "--district",
        metavar="NAME",
        help="which district, when the config lists several ([[districts]])",
    )


def config_warnings(config: Config) -> list[str]:
    """What the config leaves undone that makes the bot's messages go to nobody."""
    warnings = []
    if not [a for a in config.admins if a.strip()]:
        where = f" in {config.source}" if config.source else ""
        district = f" ({config.district})" if config.district else ""
        warnings.append(
            f"[approvals] admins is empty{where}{district}: approval requests and the admins' "
            "digests go to nobody, and no destructive step can be approved; list the admins' "
            "emails or Slack user IDs"
        )
    return warnings


def warn(configs: list[Config]) -> list[Config]:
    """Print each config's warnings to stderr (every command does, until they are fixed)."""
    for config in configs:
        for warning in config_warnings(config):
            print(f"warning: {warning}", file=sys.stderr)
    return configs


def chosen_config(args: argparse.Namespace) -> Config:
    """The district the command acts on (its warnings printed)."""
    return warn([load_config(args.config, args.district)])[0]
