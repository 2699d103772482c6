"""The import graph of ``bot/`` (outside ``bot/testing``), read from the source with ``ast``:
every import counts, at module level, inside a function, or under ``TYPE_CHECKING``."""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import bot

ROOT = Path(bot.__file__).parent
SKIPPED = "bot.testing"


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    found = {module_name(p): p for p in sorted(ROOT.rglob("*.py"))}
    return {
        name: path
        for name, path in found.items()
        if name != SKIPPED and not name.startswith(SKIPPED + ".")
    }


def imported(name: str, path: Path, known: set[str]) -> Iterator[str]:
    """The modules of ``known`` that ``name`` (at ``path``) imports: ``from a import b`` is
    module ``a.b`` when that is a module, else ``a``."""
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            yield from (a.name for a in node.names if a.name in known)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                base = f"{anchor}.{base}" if base else anchor
            for alias in node.names:
                if f"{base}.{alias.name}" in known:
                    yield f"{base}.{alias.name}"
                elif base in known:
                    yield base


def import_graph() -> dict[str, set[str]]:
    found = modules()
    known = set(found)
    return {
        name: {m for m in imported(name, path, known) if m != name} for name, path in found.items()
    }
