"""batchUpdate requests for objects anchored on ranges: protected ranges, named ranges, basic
filters, conditional format rules and dimension groups."""

from __future__ import annotations

from typing import Any

from . import fieldmask, formats
from .batch_update import Ctx, Reply, handler
from .model import deep_copy
from .ranges import from_grid_range, grid_range_json, normalize_grid_range


def _check_range(ctx: Ctx, grid_range: dict[str, Any] | None) -> dict[str, Any]:
    grid_range = grid_range or {}
    from_grid_range(ctx.book, grid_range, f"requests[{ctx.index}].{ctx.kind}")
    return normalize_grid_range(ctx.book, grid_range)


@handler("addProtectedRange")
def add_protected_range(ctx: Ctx, req: dict[str, Any]) -> Reply:
    """addProtectedRange: the owner (and the requester) always stay editors."""
    spec = req.get("protectedRange") or {}
    sheet = ctx.sheet((spec.get("range") or {}).get("sheetId"))
    stored: dict[str, Any] = {
        "protectedRangeId": int(spec.get("protectedRangeId") or ctx.store.new_int_id())
    }
    stored["range"] = _check_range(ctx, spec.get("range"))
    if spec.get("description"):
        stored["description"] = spec["description"]
    if spec.get("warningOnly"):
        stored["warningOnly"] = True
    if spec.get("unprotectedRanges"):
        stored["unprotectedRanges"] = [
            normalize_grid_range(ctx.book, r) for r in spec["unprotectedRanges"]
        ]
    requested = {k: v for k, v in (spec.get("editors") or {}).items() if v}
    users = [ctx.book.owner] + [u for u in requested.get("users", []) if u != ctx.book.owner]
    if not ctx.caller.anonymous and ctx.caller.email not in users:
        users.append(ctx.caller.email)
    stored["editors"] = {**requested, "users": users}
    sheet.protected.append(stored)
    reply = {k: deep_copy(v) for k, v in stored.items() if k != "editors"}
    reply["requestingUserCanEdit"] = True
    reply["editors"] = requested
    return {"addProtectedRange": {"protectedRange": reply}}


def _find_protected(ctx: Ctx, protected_id: Any) -> tuple[Any, dict[str, Any]]:
    for sheet in ctx.book.sheets:
        for protected in sheet.protected:
            if str(protected["protectedRangeId"]) == str(protected_id):
                return sheet, protected
    raise ctx.error(f"No protected range with id: {protected_id}")


@handler("deleteProtectedRange")
def delete_protected_range(ctx: Ctx, req: dict[str, Any]) -> Reply:
    """deleteProtectedRange."""
    sheet, protected = _find_protected(ctx, req.get("protectedRangeId"))
    sheet.protected.remove(protected)
    return None


@handler("updateProtectedRange")
def update_protected_range(ctx: Ctx, req: dict[str, Any]) -> Reply:
    """updateProtectedRange with a field mask."""
    spec = req.get("protectedRange") or {}
    _, protected = _find_protected(ctx, spec.get("protectedRangeId"))
    source = deep_copy(spec)
    if "range" in source:
        source["range"] = _check_range(ctx, source["range"])
    fieldmask.update(
        protected,
        source,
        fieldmask.parse(str(req.get("fields") or "*")),
        skip=("protectedRangeId",),
    )
    return None


@handler("addNamedRange")
def add_named_range(ctx: Ctx, req: dict[str, Any]) -> Reply:
    """addNamedRange: ids are digit strings."""
    spec = req.get("namedRange") or {}
    name = str(spec.get("name") or "")
    if not name or any(n["name"].lower() == name.lower() for n in ctx.book.named_ranges):
        raise ctx.error(f"Named range with name '{name}' is invalid or already exists.")
    stored = {
        "namedRangeId": str(spec.get("namedRangeId") or ctx.store.new_int_id()),
        "name": name,
        "range": _check_range(ctx, spec.get("range")),
    }
    ctx.book.named_ranges.append(stored)
    return {"addNamedRange": {"namedRange": deep_copy(stored)}}


def _find_named(ctx: Ctx, named_id: Any) -> dict[str, Any]:
    found = next((n for n in ctx.book.named_ranges if n["namedRangeId"] == str(named_id)), None)
    if found is None:
        raise ctx.error(f"No named range with id: {named_id}")
    return found


@handler("deleteNamedRange")
def delete_named_range(ctx: Ctx, req: dict[str, Any]) -> Reply:
    """deleteNamedRange."""
    ctx.book.named_ranges.remove(_find_named(ctx, req.get("namedRangeId")))
    return None


@handler("updateNamedRange")
def update_named_range(ctx: Ctx, req: dict[str, Any]) -> Reply:
    """updateNamedRange with a field mask (name and/or range)."""
    spec = req.get("namedRange") or {}
    named = _find_named(ctx, spec.get("namedRangeId"))
    source = deep_copy(spec)
    if "range" in source:
        source["range"] = _check_range(ctx, source["range"])
    fieldmask.update(
        named, source, fieldmask.parse(str(req.get("fields") or "*")), skip=("namedRangeId",)
    )
    return None


@handler("setBasicFilter")
def set_basic_filter(ctx: Ctx, req: dict[str, Any]) -> Reply:
    """setBasicFilter: the range is stored with explicit bounds."""
    spec = deep_copy(req.get("filter") or {})
    target = from_grid_range(ctx.book, spec.get("range") or {}, f"requests[{ctx.index}].{ctx.kind}")
    spec["range"] = grid_range_json(target.sheet, target.rect)
    target.sheet.basic_filter = spec
    return None


@handler("clearBasicFilter")
def clear_basic_filter(ctx: Ctx, req: dict[str, Any]) -> Reply:
    """clearBasicFilter."""
    ctx.sheet(req.get("sheetId")).basic_filter = None
    return None


@handler("addConditionalFormatRule")
def add_conditional_format_rule(ctx: Ctx, req: dict[str, Any]) -> Reply:
    """addConditionalFormatRule at ``index`` (default 0)."""
    rule = formats.normalize(deep_copy(req.get("rule") or {}))
    ranges = [_check_range(ctx, r) for r in rule.get("ranges") or []]
    if not ranges:
        raise ctx.error("A conditional format rule needs at least one range.")
    rule["ranges"] = ranges
    sheet = ctx.sheet((rule["ranges"][0]).get("sheetId"))
    sheet.cond_formats.insert(int(req.get("index") or 0), rule)
    return None


@handler("deleteConditionalFormatRule")
def delete_conditional_format_rule(ctx: Ctx, req: dict[str, Any]) -> Reply:
    """deleteConditionalFormatRule by index."""
    sheet = ctx.sheet(req.get("sheetId"))
    index = int(req.get("index") or 0)
    if not 0 <= index < len(sheet.cond_formats):
        raise ctx.error(f"No conditional format on sheet {sheet.sheet_id} at index {index}")
    return {"deleteConditionalFormatRule": {"rule": sheet.cond_formats.pop(index)}}


def _groups(ctx: Ctx, rng: dict[str, Any]) -> tuple[Any, list[dict[str, Any]], dict[str, Any]]:
    sheet = ctx.sheet(rng.get("sheetId"))
    dimension = rng.get("dimension")
    if dimension not in ("ROWS", "COLUMNS"):
        raise ctx.error("dimension must be ROWS or COLUMNS")
    key: dict[str, Any] = {"sheetId": sheet.sheet_id} if sheet.sheet_id else {}
    key.update(
        dimension=dimension,
        startIndex=int(rng.get("startIndex") or 0),
        endIndex=int(rng["endIndex"]),
    )
    groups = sheet.row_groups if dimension == "ROWS" else sheet.col_groups
    return sheet, groups, key


@handler("addDimensionGroup")
def add_dimension_group(ctx: Ctx, req: dict[str, Any]) -> Reply:
    """addDimensionGroup: nested groups get a larger depth."""
    sheet, groups, key = _groups(ctx, req.get("range") or {})
    depth = 1 + sum(
        1
        for g in groups
        if g["range"]["startIndex"] <= key["startIndex"]
        and key["endIndex"] <= g["range"]["endIndex"]
    )
    groups.append({"range": key, "depth": depth})
    groups.sort(key=lambda g: (g["depth"], g["range"]["startIndex"]))
    control = "rowGroupControlAfter" if key["dimension"] == "ROWS" else "columnGroupControlAfter"
    sheet.grid[control] = True
    return {"addDimensionGroup": {"dimensionGroups": deep_copy(groups)}}


@handler("deleteDimensionGroup")
def delete_dimension_group(ctx: Ctx, req: dict[str, Any]) -> Reply:
    """deleteDimensionGroup: removes the deepest group with exactly this range."""
    _, groups, key = _groups(ctx, req.get("range") or {})
    matches = [g for g in groups if g["range"] == key]
    if not matches:
        raise ctx.error("No dimension group with that range.")
    groups.remove(max(matches, key=lambda g: g["depth"]))
    return {"deleteDimensionGroup": {"dimensionGroups": deep_copy(groups)} if groups else {}}
