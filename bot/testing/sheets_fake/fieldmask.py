"""Field masks: the ``fields`` query parameter and the ``fields`` of update requests."""

from __future__ import annotations

from typing import Any, TypeAlias

Tree: TypeAlias = "bool | dict[str, Tree]"


def parse(mask: str) -> dict[str, Tree]:
    """``a.b,c(d,e/f)`` -> nested dict; ``True`` marks a selected leaf (keep everything below)."""
    tree: dict[str, Tree] = {}
    pos = _parse_list(mask.replace(" ", ""), 0, tree)
    if pos != len(mask.replace(" ", "")):
        raise ValueError(f"bad field mask: {mask}")
    return tree


def _parse_list(text: str, pos: int, tree: dict[str, Tree]) -> int:
    while pos < len(text):
        start = pos
        while pos < len(text) and text[pos] not in ",()":
            pos += 1
        names = [n for n in text[start:pos].replace("/", ".").split(".") if n]
        node = tree
        for name in names[:-1]:
            child = node.get(name)
            if child is True:
                break
            node = node.setdefault(name, {})  # type: ignore[assignment]
        else:
            if not names:
                raise ValueError(text)
            last = names[-1]
            if pos < len(text) and text[pos] == "(":
                child_tree = node.get(last)
                sub: dict[str, Tree] = child_tree if isinstance(child_tree, dict) else {}
                if child_tree is not True:
                    node[last] = sub
                pos = _parse_list(text, pos + 1, sub)
                if pos >= len(text) or text[pos] != ")":
                    raise ValueError(text)
                pos += 1
            else:
                node[last] = True
        if pos < len(text) and text[pos] == ",":
            pos += 1
            continue
        break
    return pos


def mentions(tree: dict[str, Tree], *path: str) -> bool:
    """Whether the mask selects something at or below ``path``."""
    node: Tree = tree
    for name in path:
        if node is True:
            return True
        if not isinstance(node, dict) or name not in node:
            return "*" in node if isinstance(node, dict) else False
        node = node[name]
    return True


def names(tree: dict[str, Tree], *path: str) -> bool:
    """Whether the mask names ``path`` explicitly (a parent selected whole does not count)."""
    node: Tree = tree
    for name in path:
        if not isinstance(node, dict) or name not in node:
            return False
        node = node[name]
    return True


def apply(value: Any, tree: Tree) -> Any:
    """Keep only the selected parts of a JSON value."""
    if tree is True or (isinstance(tree, dict) and "*" in tree):
        return value
    if isinstance(value, list):
        return [apply(item, tree) for item in value]
    if isinstance(value, dict) and isinstance(tree, dict):
        return {k: apply(v, tree[k]) for k, v in value.items() if k in tree}
    return value


def update(
    target: dict[str, Any], source: dict[str, Any], tree: Tree, skip: tuple[str, ...] = ()
) -> None:
    """Copy masked fields from ``source`` into ``target``; masked-but-absent ones are cleared."""
    if tree is True or (isinstance(tree, dict) and "*" in tree):
        for key in [k for k in target if k not in skip]:
            del target[key]
        for key, value in source.items():
            if key not in skip and value is not None:
                target[key] = value
        return
    assert isinstance(tree, dict)
    for key, sub in tree.items():
        if key in skip:
            continue
        value = source.get(key) if isinstance(source, dict) else None
        if sub is True:
            if value is None:
                target.pop(key, None)
            else:
                target[key] = value
            continue
        child = target.get(key)
        child = dict(child) if isinstance(child, dict) else {}
        update(child, value if isinstance(value, dict) else {}, sub)
        if child:
            target[key] = child
        else:
            target.pop(key, None)
