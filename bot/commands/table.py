"""Plain-text tables for the terminal."""

from __future__ import annotations

from collections.abc import Sequence


def shorten(text: str, width: int) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= width else text[: width - 1] + "…"


def table(headers: Sequence[str], rows: Sequence[Sequence[str]], widths: Sequence[int]) -> str:
    """A fixed-width table; each column cut to its width."""

    def line(cells: Sequence[str]) -> str:
        return "  ".join(shorten(c, w).ljust(w) for c, w in zip(cells, widths, strict=True))

    out = [line(headers), "  ".join("-" * w for w in widths)]
    out += [line(r) for r in rows]
    return "\n".join(o.rstrip() for o in out)
