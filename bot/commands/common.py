"""What every command shares: the --config and --district options."""

from __future__ import annotations

import argparse

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


def chosen_config(args: argparse.Namespace) -> Config:
    """The district the command acts on."""
    return load_config(args.config, args.district)
