"""Formats and colors as Google stores them: 8-bit color channels printed as float32, zero
channels left out, and every ``*Color`` mirrored by its ``*ColorStyle``."""

from __future__ import annotations

import struct
from typing import Any

_CHANNELS = ("red", "green", "blue")
_MIRRORS = {
    "backgroundColor": "backgroundColorStyle",
    "foregroundColor": "foregroundColorStyle",
    "tabColor": "tabColorStyle",
    "color": "colorStyle",
}


def float32(x: float) -> float | int:
    """The shortest decimal that round-trips through float32 (how Google prints colors)."""
    packed = struct.unpack("f", struct.pack("f", x))[0]
    for digits in range(1, 10):
        candidate = float(f"{packed:.{digits}g}")
        if struct.unpack("f", struct.pack("f", candidate))[0] == packed:
            return int(candidate) if candidate.is_integer() else candidate
    return packed


def color(value: Any) -> dict[str, Any]:
    """Quantize an RGB(A) color to 8 bits per channel; zero channels are omitted."""
    if not isinstance(value, dict):
        return {}
    out: dict[str, Any] = {}
    for channel in _CHANNELS:
        level = int(float(value.get(channel) or 0) * 255 + 1e-9)
        if level:
            out[channel] = float32(level / 255)
    if value.get("alpha") is not None and float(value["alpha"]) != 1:
        out["alpha"] = float32(float(value["alpha"]))
    return out


def normalize(fmt: Any) -> Any:
    """Normalize colors in a (possibly nested) format object and add the ``*Style`` mirrors."""
    if isinstance(fmt, list):
        return [normalize(item) for item in fmt]
    if not isinstance(fmt, dict):
        return fmt
    out = {k: normalize(v) for k, v in fmt.items() if v is not None}
    for plain, style in _MIRRORS.items():
        if plain in out and isinstance(out[plain], dict):
            out[plain] = color(out[plain])
            out[style] = {"rgbColor": dict(out[plain])}
        elif style in out and isinstance(out[style], dict):
            rgb = out[style].get("rgbColor")
            if rgb is None and "themeColor" not in out[style]:
                del out[style]
            elif rgb is not None:
                out[style] = {"rgbColor": color(rgb)}
                out[plain] = color(rgb)
    return out
