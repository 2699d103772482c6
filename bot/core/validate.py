"""Validation of a ticked step: every problem at once, each naming its column and reason."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from bot.core.catalogue import MANUAL, MESSAGE, ActionSpec, Catalogue
from bot.core.checklist import Step, step_id_problem
from bot.core.params import canonical_parameters, check_parameters, parse_parameters
from bot.core.problems import Problem, ProblemError
from bot.core.scope import Scope, check_values, parse_scope
from bot.core.values import DateAnchors, parse_date, shown
from bot.core.wording import count
from bot.templates import WorkbookTemplate, normalize_header

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
    run_on: date | None = None
    """Not before this date (the Run on column, else the action's own date)."""
    message: str = ""
    """The message template the step carries (``message=``)."""


def _action(step: Step, catalogue: Catalogue) -> tuple[ActionSpec | None, list[Problem]]:
    if normalize_header(step.action) == MANUAL:
        manual = catalogue.get(step.system, MANUAL)
        if manual is None:
            systems = ", ".join(catalogue.systems())
            why = f"unknown system {shown(step.system)} (one of: {systems}, or blank for manual)"
            return None, [Problem("System", why)]
        return manual, []
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


def _run_on(
    step: Step, spec: ActionSpec, dates: date | DateAnchors
) -> tuple[date | None, list[Problem]]:
    """The step's Run on date (its own, else the action's): a date, or relative to today or
    the rollover date. A manual step has none (ticking it says it is done)."""
    if spec.manual:
        return None, []
    text = step.run_on or spec.run_on
    if not text:
        return None, []
    try:
        return parse_date(text, dates), []
    except ValueError as exc:
        if step.run_on:
            return None, [Problem("Run on", str(exc))]
        return None, [Problem("Run on", f"{spec.name} runs on {text} by default, but {exc}")]


def _message(raw: dict[str, str], spec: ActionSpec, catalogue: Catalogue) -> list[Problem]:
    """``message=`` names a message template (any step may carry one)."""
    name = raw.get(MESSAGE)
    if name is None or spec.manual:
        return []
    if name.strip() in catalogue.messages:
        return []
    known = ", ".join(sorted(catalogue.messages)) or "none"
    return [Problem("Parameters", f"message: no message template {shown(name)} (known: {known})")]


def _plain_columns(step: Step, known_ids: set[str], dates: date | DateAnchors) -> list[Problem]:
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
            parse_date(step.due, dates)
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
    anchors: DateAnchors | None = None,
) -> tuple[CheckedStep | None, list[Problem]]:
    """Check every column of ``step``; return the checked step or every problem found.
    ``anchors`` (today, the rollover date, business days) let Due, Run on and date
    parameters be relative to the rollover date (``rollover-1bd``)."""
    dates: date | DateAnchors = anchors or today
    problems = _plain_columns(step, known_ids, dates)
    if cycle:
        path = " -> ".join(shown(sid, quote=False) for sid in cycle)
        problems.append(Problem("Depends on", f"dependency cycle {path}"))
    spec, action_problems = _action(step, catalogue)
    problems += action_problems
    raw_params, param_problems = parse_parameters(step.parameters)
    problems += param_problems
    if spec is None:
        return None, bounded(problems)
    if spec.manual and not step.owner:
        problems.append(
            Problem("Owner", "is blank: a manual step is a person's task; give their email")
        )
    scope, scope_problems = _scope(step, spec, template, today)
    problems += scope_problems
    problems += _message(raw_params, spec, catalogue)
    own = {k: v for k, v in raw_params.items() if spec.manual or k != MESSAGE}
    typed, typed_problems = check_parameters(own, spec.params, dates)
    problems += typed_problems
    if not typed_problems and spec.param_check is not None:
        problems += spec.param_check(typed, today)
    run_on, run_on_problems = _run_on(step, spec, dates)
    problems += run_on_problems
    if problems:
        return None, bounded(problems)
    message = raw_params.get(MESSAGE, "").strip()
    checked = CheckedStep(
        step, spec, scope, typed, canonical_parameters(raw_params), run_on, message
    )
    return checked, []
