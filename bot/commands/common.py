"""What every command shares: the --config option."""

from __future__ import annotations

import argparse


def config_option(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--config",
        metavar="FILE",
        help="configuration file (default: $ROLLOVER_CONFIG, else ./config.toml)",
    )
