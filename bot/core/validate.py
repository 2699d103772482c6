"""Validation of a ticked step: every problem at once, each naming its column and reason."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from bot.core.catalogue import ActionSpec, Catalogue
from bot.core.checklist import Step, step_id_problem
from bot.core.params import canonical_parameters, check_parameters, parse_parameters
from bot.core.problems import Problem, ProblemError
from bot.core.scope import Scope, check_values, parse_scope
from bot.core.values import parse_date, shown
from bot.core.wording import count
from bot.templates import WorkbookTemplate

PER_COLUMN = 5


def is_email(text: str) -> bool:
    """``name@domain.tld``: one ``@``, a dot inside the domain, no spaces (read in one pass,
    without a regular expression that backtracks on a long cell)."""
    local, at, domain = text.partition("@")
    return (
        bool(at and local)
        and "@" not in domain
        and "." in domain[1:-1]
        and not any(ch.isspace() for ch in text)
    )


@dataclass(frozen=True)
class CheckedStep:
    """A step whose columns all read correctly, ready to plan."""

    step: Step
    spec: ActionSpec
    scope: Scope | None
    params: dict[str, object] = field(default_factory=dict)
    params_text: str = ""


def _action(step: Step, catalogue: Catalogue) -> tuple[ActionSpec | None, list[Problem]]:
    if not step.system:
        return None, [Problem("System", f"is blank (one of: {', '.join(catalogue.systems())})")]
    system = catalogue.system_named(step.system)
    if system is None:
        systems = ", ".join(catalogue.systems())
        return None, [Problem("System", f"unknown system {shown(step.system)} (one of: {systems})")]
    if not step.action:
        return None, [Problem("Action", f"is blank (one of: {', '.join(catalogue.names(system))})")]
    spec = catalogue.get(system, step.action)
    if spec is None:
        names = ", ".join(catalogue.names(system))
        return None, [
            Problem("Action", f"unknown action {shown(step.action)} for {system} ({names})")
        ]
    return spec, []


def _scope(
    step: Step, spec: ActionSpec, template: WorkbookTemplate, today: date
) -> tuple[Scope | None, list[Problem]]:
    if spec.tab is None:
        if step.scope:
            return None, [Problem("Scope", f"{spec.name} takes no scope; leave it blank")]
        return None, []
    try:
        scope = parse_scope(step.scope, template)
        check_values(scope, template, today)
    except ProblemError as exc:
        return None, [exc.problem]
    if scope.tab != spec.tab:
        return None, [Problem("Scope", f"{spec.name} acts on {spec.tab}, not {scope.tab}")]
    return scope, []


def _plain_columns(step: Step, known_ids: set[str], today: date) -> list[Problem]:
    problems: list[Problem] = []
    bad_id = step_id_problem(step.step_id)
    if bad_id:
        problems.append(Problem("Step ID", f"{shown(step.step_id)} {bad_id}"))
    elif step.duplicate_id:
        problems.append(
            Problem(
                "Step ID",
                f"{shown(step.step_id, quote=False)} is used by more than one row; "
                "give each its own",
            )
        )
    if step.owner and not is_email(step.owner):
        problems.append(Problem("Owner", f"{shown(step.owner)} is not an email address"))
    if step.due:
        try:
            parse_date(step.due, today)
        except ValueError as exc:
            problems.append(Problem("Due", str(exc)))
    for dep in step.depends_on:
        if dep == step.step_id:
            problems.append(Problem("Depends on", f"{shown(dep, quote=False)} is this step itself"))
        elif dep not in known_ids:
            problems.append(Problem("Depends on", f"unknown step {shown(dep, quote=False)}"))
    return problems


def bounded(problems: list[Problem], per_column: int = PER_COLUMN) -> list[Problem]:
    """At most ``per_column`` problems of each column, then one saying how many more: a
    cell listing 25,000 unknown steps does not make a 25,000-problem Result."""
    kept: list[Problem] = []
    seen: dict[str, int] = {}
    for problem in problems:
        seen[problem.column] = seen.get(problem.column, 0) + 1
        if seen[problem.column] <= per_column:
            kept.append(problem)
    more = [(c, n - per_column) for c, n in seen.items() if n > per_column]
    return kept + [Problem(c, f"and {count(n, 'more problem')} like these") for c, n in more]


def validate_step(
    step: Step,
    catalogue: Catalogue,
    template: WorkbookTemplate,
    known_ids: set[str],
    cycle: list[str] | None,
    today: date,
) -> tuple[CheckedStep | None, list[Problem]]:
    """Check every column of ``step``; return the checked step or every problem found."""
    problems = _plain_columns(step, known_ids, today)
    if cycle:
        path = " -> ".join(shown(sid, quote=False) for sid in cycle)
        problems.append(Problem("Depends on", f"dependency cycle {path}"))
    spec, action_problems = _action(step, catalogue)
    problems += action_problems
    raw_params, param_problems = parse_parameters(step.parameters)
    problems += param_problems
    if spec is None:
        return None, bounded(problems)
    scope, scope_problems = _scope(step, spec, template, today)
    problems += scope_problems
    typed, typed_problems = check_parameters(raw_params, spec.params, today)
    problems += typed_problems
    if not typed_problems and spec.param_check is not None:
        problems += spec.param_check(typed, today)
    if problems:
        return None, bounded(problems)
    checked = CheckedStep(step, spec, scope, typed, canonical_parameters(raw_params))
    return checked, []
