"""Google's JSON error bodies, raised as exceptions inside the fake and rendered by the server."""

from __future__ import annotations

from typing import Any

_STATUS = {
    400: "INVALID_ARGUMENT",
    403: "PERMISSION_DENIED",
    404: "NOT_FOUND",
    429: "RESOURCE_EXHAUSTED",
    500: "INTERNAL",
    501: "UNIMPLEMENTED",
    503: "UNAVAILABLE",
}

_DEFAULT_MESSAGE = {
    500: "Internal error encountered.",
    503: "The service is currently unavailable.",
}

QUOTA_MESSAGE = (
    "Quota exceeded for quota metric '{kind} requests' and limit '{kind} requests per minute "
    "per user' of service 'sheets.googleapis.com' for consumer 'project_number:000000000000'."
)
PROTECTED_MESSAGE = (
    "You are trying to edit a protected cell or object. Please contact the spreadsheet owner "
    "to remove protection if you need to edit."
)


class ApiError(Exception):
    """An error the fake answers with, shaped like Google's ``{"error": {...}}`` body."""

    def __init__(
        self,
        code: int,
        message: str | None = None,
        *,
        status: str | None = None,
        details: list[dict[str, Any]] | None = None,
        errors: list[dict[str, Any]] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        self.code = code
        self.message = message if message is not None else _DEFAULT_MESSAGE.get(code, "Error")
        self.status = status or _STATUS.get(code, "UNKNOWN")
        self.details = details
        self.errors = errors
        self.headers = headers or {}
        super().__init__(f"{code} {self.status}: {self.message}")

    def body(self) -> dict[str, Any]:
        """The JSON body Google would send."""
        err: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.errors is not None:
            err["errors"] = self.errors
        err["status"] = self.status
        if self.details is not None:
            err["details"] = self.details
        return {"error": err}


def not_found() -> ApiError:
    """Unknown spreadsheet."""
    return ApiError(404, "Requested entity was not found.")


def invalid(message: str) -> ApiError:
    """400 INVALID_ARGUMENT with the given message."""
    return ApiError(400, message)


def bad_range(text: str) -> ApiError:
    """The message Google uses for a range it cannot parse."""
    return invalid(f"Unable to parse range: {text}")


def bad_field(field: str, value: object, type_name: str) -> ApiError:
    """A JSON payload field of the wrong type, as Google words it."""
    message = f"Invalid value at '{field}' ({type_name}), {_json_repr(value)}"
    violation = {"field": field, "description": message}
    details = [
        {"@type": "type.googleapis.com/google.rpc.BadRequest", "fieldViolations": [violation]}
    ]
    return ApiError(400, message, details=details)


def permission_denied(message: str = "The caller does not have permission") -> ApiError:
    """403 PERMISSION_DENIED."""
    return ApiError(403, message)


def quota_exceeded(kind: str, retry_after: int | None = None) -> ApiError:
    """429 RESOURCE_EXHAUSTED with Google's per-user quota message."""
    headers = {"Retry-After": str(retry_after)} if retry_after is not None else None
    return ApiError(429, QUOTA_MESSAGE.format(kind=kind), headers=headers)


def drive_not_found(file_id: str) -> ApiError:
    """Drive's 404, which carries an ``errors`` list (gspread inspects it)."""
    message = f"File not found: {file_id}."
    errors = [
        {
            "message": message,
            "domain": "global",
            "reason": "notFound",
            "location": "fileId",
            "locationType": "parameter",
        }
    ]
    return ApiError(404, message, errors=errors)


def unimplemented(what: str) -> ApiError:
    """501 for API surface the fake deliberately does not emulate."""
    return ApiError(501, f"The fake Sheets server does not implement {what}.")


def _json_repr(value: object) -> str:
    if isinstance(value, str):
        return '"' + value.replace('"', '\\"') + '"'
    return str(value)
