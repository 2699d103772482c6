"""Depends on: the order steps must run in, with cycles and unknown steps detected."""

from __future__ import annotations

from collections.abc import Iterable, Mapping


def find_cycles(graph: Mapping[str, Iterable[str]]) -> list[list[str]]:
    """Every dependency cycle once, each as the list of step IDs around it."""
    state: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []
    seen_cycles: set[frozenset[str]] = set()

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for dep in graph.get(node, ()):
            if dep not in graph:
                continue
            if state.get(dep) == 1:
                cycle = stack[stack.index(dep) :]
                if frozenset(cycle) not in seen_cycles:
                    seen_cycles.add(frozenset(cycle))
                    cycles.append([*cycle, dep])
            elif dep not in state:
                visit(dep)
        stack.pop()
        state[node] = 2

    for node in graph:
        if node not in state:
            visit(node)
    return cycles


def in_cycle(graph: Mapping[str, Iterable[str]]) -> dict[str, list[str]]:
    """Map each step caught in a cycle to that cycle."""
    members: dict[str, list[str]] = {}
    for cycle in find_cycles(graph):
        for node in cycle:
            members.setdefault(node, cycle)
    return members


def execution_order(graph: Mapping[str, Iterable[str]]) -> list[str]:
    """Steps so that each comes after what it depends on (sheet order kept otherwise).

    Steps in a cycle keep their sheet position; they are reported Invalid elsewhere.
    """
    order: list[str] = []
    placed: set[str] = set()
    visiting: set[str] = set()

    def place(node: str) -> None:
        if node in placed or node in visiting:
            return
        visiting.add(node)
        for dep in graph.get(node, ()):
            if dep in graph:
                place(dep)
        visiting.discard(node)
        placed.add(node)
        order.append(node)

    for node in graph:
        place(node)
    return order
