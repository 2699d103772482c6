"""Every error Rollover Bot raises, in one hierarchy.

    RolloverError
    ├── ConfigError            bad or missing configuration (names the key)
    ├── TemplateError          sheets_templates/ is malformed (names the tab or column)
    ├── WorkbookError          the workbook seam (xlsx, Google Sheets)
    │   ├── WorkbookNotFound   no such file or spreadsheet
    │   ├── HeaderError        a tab's header row is blank, duplicated or missing a column
    │   └── WorkbookUnavailable  a transient failure after bounded retries (quota, 5xx, network)
    ├── LMSError               the LMS seam
    │   ├── RuleViolation      the vendor refused one record (a rule of its procedure)
    │   ├── LMSUnavailable     a transient failure: the record may be retried
    │   ├── CredentialsError the bot's LMS credentials are missing or refused: stops the cycle
    │   └── Unreadable         the LMS has no API for what was asked (a claim about it is unchecked)
    ├── StateError             the state store
    ├── ApprovalRefused        an approval that may not be given (names who and why)
    └── NotifierError          the notifier seam (console, Slack)

Library errors (openpyxl, gspread, sqlite3, slack_sdk) are translated into these at the seam,
so the core and the cycle only ever see this hierarchy.
"""

from __future__ import annotations


class RolloverError(Exception):
    """Base of every error the bot raises on purpose."""


class ConfigError(RolloverError):
    pass


class TemplateError(RolloverError):
    pass


class WorkbookError(RolloverError):
    pass


class WorkbookNotFound(WorkbookError):
    pass


class HeaderError(WorkbookError):
    pass


class WorkbookUnavailable(WorkbookError):
    pass


class LMSError(RolloverError):
    pass


class RuleViolation(LMSError):
    """The LMS refused a record because of a vendor rule; retrying will not help."""


class LMSUnavailable(LMSError):
    """A transient LMS failure; the record may be retried later."""


class CredentialsError(LMSError):
    """The bot's credentials for an LMS are missing or refused (names the setting to fix):
    no step of that system can run, so the cycle stops before it writes anything."""


class Unreadable(LMSError):
    """The LMS offers no way to read what was asked (Schoology's API has none for the
    PowerSchool app's settings): retrying will not help, and a person's claim about it is
    recorded unchecked."""


class StateError(RolloverError):
    pass


class ApprovalRefused(RolloverError):
    pass


class NotifierError(RolloverError):
    pass
