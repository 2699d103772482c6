"""``import-roster --api``: pull the roster from a OneRoster API, then merge it exactly as a
bundle from disk is merged (the same checks, mapping, guards, dry run and report)."""

from __future__ import annotations

from bot.config import Config
from bot.roster.errors import Findings
from bot.roster.importer import ImportReport, import_bundle
from bot.roster.rest.pull import Pulled, PullRequest, pull, when_text
from bot.roster.rest.pulls import LAST, parse_since, remember, remembered
from bot.roster.rest.service import Service

KIND = "API pull"


def pull_roster(config: Config, request: PullRequest, since: str | None = None) -> Pulled:
    """Pull everything, or the changes since ``since`` (a date, a date-time, or ``last``)."""
    folder = config.workbook_path.parent
    wanted = since.strip() if since else None
    fixed = parse_since(wanted, config.timezone) if wanted and wanted.casefold() != LAST else None
    notes: list[str] = []

    def since_for(service: Service) -> str | None:
        if wanted is None:
            return None
        if fixed is not None:
            return fixed
        last = remembered(folder, service.base, request.credentials.client_id)
        if last is None:
            notes.append(
                f"No earlier pull from {service.base} with client ID "
                f"{request.credentials.client_id} is recorded for this district: pulled "
                "everything."
            )
        return last

    pulled = pull(request, since_for)
    pulled.notes[:0] = notes
    return pulled


def import_pulled(
    config: Config,
    pulled: Pulled,
    client_id: str,
    dry_run: bool = False,
    force: bool = False,
) -> ImportReport:
    """Merge a pull into the workbook; once merged, remember when it began."""
    findings = Findings(locate=pulled.locate)
    report = import_bundle(config, pulled.bundle, findings, dry_run, force, kind=KIND)
    report.pulled = pulled.summary()
    if not dry_run and not report.refused:
        remember(
            config.workbook_path.parent, pulled.service.base, client_id, when_text(pulled.started)
        )
    return report
