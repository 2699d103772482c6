"""Schoology's writes: users (bulk create and update, up to 50, with ``update_existing``;
deactivate and reactivate), courses, section enrollments (status codes 1-5) and grading
periods. A bulk write answers 200 with a ``response_code`` and a message per record; a single
write answers the object, or the error as Schoology does."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date
from typing import Any

from bot.lms.mock.schoology import SYSTEM
from bot.lms.mock.schoology_records import USER_KINDS
from bot.testing.fake_lms.http import Call, Response, Router
from bot.testing.fake_lms.model import APPLIED, FAILED, NOT_FOUND, UNCHANGED, Item, Outcome, Write
from bot.testing.fake_lms.schoology_shapes import (
    CODE_STATUS,
    ROLE_NAMES,
    ROLES,
    Directory,
    course_json,
    enrollments_json,
    period_json,
    user_json,
)
from bot.testing.fake_lms.system import System

SAVE_USER = Write(SYSTEM, "save users", "students", "user", must_exist=False)
DEACTIVATE = Write(SYSTEM, "deactivate users", "students", "user", "deactivated")
REACTIVATE = Write(SYSTEM, "reactivate users", "students", "user", "active")
SAVE_COURSE = Write(SYSTEM, "save courses", "courses", "course", must_exist=False)
ENROLL = Write(SYSTEM, "enroll users", "enrollments", "enrollment", must_exist=False)
STATUS = Write(SYSTEM, "set enrollment status", "enrollments", "enrollment")
PERIOD = Write(
    SYSTEM, "create grading periods", "grading_periods", "grading period", must_exist=False
)
USER_FIELDS = {
    "name_first": "first_name",
    "name_last": "last_name",
    "primary_email": "email",
    "username": "username",
    "grad_year": "graduation_year",
    "birthday_date": "birth_date",
}
COURSE_FIELDS = ("title", "description", "department")
CODES = {
    APPLIED: 200,
    UNCHANGED: 200,
    NOT_FOUND: 404,
    FAILED: 503,
}
Planned = tuple[Write, Item] | dict[str, Any]
"""A record of a bulk write: what to apply, or already its answer (a bad record)."""


def add(router: Router, system: System) -> None:
    router.add("POST", "/v1/users", lambda call: _post_users(call, system))
    router.add("PUT", "/v1/users", lambda call: _put_users(call, system))
    router.add("DELETE", "/v1/users", lambda call: _delete_users(call, system))
    router.add("PUT", "/v1/users/reactivate", lambda call: _reactivate(call, system))
    router.add("PUT", "/v1/users/{id}", lambda call: _put_user(call))
    router.add("DELETE", "/v1/users/{id}", _delete_user)
    router.add("POST", "/v1/courses", lambda call: _post_courses(call, system))
    router.add("PUT", "/v1/courses/{id}", _put_course)
    router.add(
        "POST", "/v1/sections/{id}/enrollments", lambda call: _post_enrollments(call, system)
    )
    router.add("PUT", "/v1/sections/{id}/enrollments", lambda call: _put_enrollments(call, system))
    router.add("PUT", "/v1/sections/{id}/enrollments/{eid}", _put_enrollment)
    router.add("POST", "/v1/gradingperiods", _post_period)


def _directory(call: Call) -> Directory:
    return Directory(call.model, call.base_url)


def _wrapped(call: Call, system: System, outer: str, inner: str) -> list[dict[str, Any]] | None:
    """The records of a bulk body ``{outer: {inner: [...]}}`` (``None`` for a single
    object); more than the batch size is a 400."""
    body = call.object()
    if outer not in body:
        return None
    wrapper = body[outer]
    records = wrapper.get(inner) if isinstance(wrapper, dict) else None
    if isinstance(records, dict):
        records = [records]
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        raise call.error(400, "invalid", f"wrap the records as {{{outer!r}: {{{inner!r}: [...]}}}}")
    if len(records) > system.batch:
        raise call.error(
            400,
            "too_many",
            f"at most {system.batch} {outer} per request; this one has {len(records)}",
        )
    if not records:
        raise call.error(400, "empty", f"the request has no {inner}")
    return records


def _run(
    call: Call, planned: list[Planned], answer: Callable[[Outcome, Item], dict[str, Any]]
) -> list[dict[str, Any]]:
    """Apply the planned records in one transaction (a partial-apply fault stops part-way);
    the bad ones keep their answers; results in the order sent."""
    todo = [p for p in planned if isinstance(p, tuple)]
    outcomes = iter(call.model.apply_each(todo, call.faults.partial(call.method, call.path)))
    results = []
    for p in planned:
        if isinstance(p, dict):
            results.append(p)
            continue
        results.append(answer(next(outcomes), p[1]))
    return results


def _result(outcome: Outcome, extra: dict[str, Any]) -> dict[str, Any]:
    code = CODES.get(outcome.outcome, 400)
    out: dict[str, Any] = {"response_code": code}
    if code != 200 or outcome.outcome == UNCHANGED:
        out["message"] = outcome.message
    return out | extra


def _user_params(call: Call, raw: dict[str, Any]) -> dict[str, str]:
    """A Schoology user object as the model's fields (names, email, role, school...)."""
    params = {
        mine: str(raw[theirs])
        for theirs, mine in USER_FIELDS.items()
        if raw.get(theirs) is not None
    }
    school = str(raw.get("building_id") or raw.get("school_id") or "")
    if school:
        found = _directory(call).find(school, ("schools",))
        params["school"] = found[1] if found else f"#{school}"
    if raw.get("role_id") not in (None, ""):
        params["role"] = (
            ROLE_NAMES.get(int(raw["role_id"]), "") if str(raw["role_id"]).isdigit() else ""
        )
    return params


def _kind_of(params: dict[str, str]) -> str:
    return (
        "students"
        if params.get("role", "").casefold() == ROLES["student"][1].casefold()
        else "educators"
    )


def _plan_user(call: Call, raw: dict[str, Any], update: bool) -> Planned:
    record = str(raw.get("school_uid", "")).strip()
    if not record:
        return {"response_code": 400, "message": "school_uid is required"}
    params = _user_params(call, raw)
    if "role" not in params:
        return {"response_code": 400, "message": "role_id is required", "school_uid": record}
    if not params["role"]:
        return {"response_code": 400, "message": f"no role {raw['role_id']}", "school_uid": record}
    if update:
        params["update_existing"] = "1"
    kind = _kind_of(params)
    if kind == "students":
        params.pop("role")
    return replace(SAVE_USER, kind=kind), Item(record, params)


def _user_answer(call: Call) -> Callable[[Outcome, Item], dict[str, Any]]:
    def answer(outcome: Outcome, item: Item) -> dict[str, Any]:
        extra: dict[str, Any] = {"school_uid": item.record}
        if outcome.outcome == APPLIED:
            kind = "students" if "role" not in item.params else "educators"
            number = _directory(call).number(kind, item.record)
            extra |= {"location": f"{call.base_url}/v1/users/{number}", "id": str(number)}
        return _result(outcome, extra)

    return answer


def _post_users(call: Call, system: System) -> Response:
    """Create users; ``?update_existing=1`` updates those whose school_uid exists."""
    update = call.arg("update_existing") == "1"
    records = _wrapped(call, system, "users", "user")
    if records is None:
        planned = _plan_user(call, call.object(), update)
        if isinstance(planned, dict):
            raise call.error(400, "invalid", planned["message"])
        outcome = call.model.apply_one(*planned)
        return _single(
            call, outcome, lambda: _created_user(call, planned[0].kind, outcome.record), 201
        )
    results = _run(call, [_plan_user(call, r, update) for r in records], _user_answer(call))
    return Response(200, {"user": results})


def _user_by_id(call: Call, kind: str, record: str) -> dict[str, Any]:
    found = call.model.get(SYSTEM, kind, record)
    data = found[1] if found else {}
    return user_json(_directory(call), _directory(call).number(kind, record), kind, record, data)


def _created_user(call: Call, kind: str, record: str) -> dict[str, Any]:
    user = _user_by_id(call, kind, record)
    return user | {"send_message": 1, "links": {"self": f"{call.base_url}/v1/users/{user['id']}"}}


def _single(
    call: Call, outcome: Outcome, shown: Callable[[], dict[str, Any]], ok: int = 200
) -> Response:
    if outcome.outcome in (APPLIED, UNCHANGED):
        return Response(ok if outcome.outcome == APPLIED else 200, shown())
    raise call.error(CODES.get(outcome.outcome, 400), outcome.outcome, outcome.message)


def _updated(call: Call, outcome: Outcome) -> Response:
    """A single update answers 204 with no body (the documentation's Examples page)."""
    if outcome.outcome in (APPLIED, UNCHANGED):
        return Response(204)
    raise call.error(CODES.get(outcome.outcome, 400), outcome.outcome, outcome.message)


def _plan_update(call: Call, raw: dict[str, Any]) -> Planned:
    number = str(raw.get("id") or raw.get("uid") or "").strip()
    found = _directory(call).find(number, USER_KINDS) if number else None
    if found is None:
        return {
            "response_code": 404,
            "message": f"User {number or '(no id)'} not found.",
            "id": number,
        }
    kind, record, _, _ = found
    params = _user_params(call, raw) | {"update_existing": "1"}
    if kind == "students":
        params.pop("role", None)
    elif "role" in params and _kind_of(params) == "students":
        return {
            "response_code": 400,
            "message": f"user {number} is staff: the role cannot become Student",
            "id": number,
        }
    return replace(SAVE_USER, kind=kind), Item(record, params)


def _put_users(call: Call, system: System) -> Response:
    records = _wrapped(call, system, "users", "user")
    if records is None:
        raise call.error(400, "invalid", "wrap the users as {'users': {'user': [...]}}")
    planned = [_plan_update(call, r) for r in records]
    numbers = {
        id(p[1]): str(r.get("id") or r.get("uid"))
        for r, p in zip(records, planned, strict=True)
        if isinstance(p, tuple)
    }

    def answer(outcome: Outcome, item: Item) -> dict[str, Any]:
        number = numbers[id(item)]
        return _result(
            outcome,
            {
                "location": f"{call.base_url}/v1/users/{number}",
                "id": number,
                "school_uid": item.record,
            },
        )

    return Response(200, {"user": _run(call, planned, answer)})


def _put_user(call: Call) -> Response:
    planned = _plan_update(call, call.object() | {"id": call.parts["id"]})
    if isinstance(planned, dict):
        raise call.error(planned["response_code"], "invalid", planned["message"])
    return _updated(call, call.model.apply_one(*planned))


def _status_change(call: Call, write: Write, number: str) -> Planned:
    found = _directory(call).find(number, USER_KINDS)
    if found is None:
        return {"response_code": 404, "message": f"User {number} not found.", "id": number}
    return replace(write, kind=found[0]), Item(found[1], {"on": call.today.isoformat()})


def _delete_user(call: Call) -> Response:
    """Make a user inactive (Schoology keeps the account under users/inactive)."""
    planned = _status_change(call, DEACTIVATE, call.parts["id"])
    if isinstance(planned, dict):
        raise call.error(404, "not_found", planned["message"])
    outcome = call.model.apply_one(*planned)
    if outcome.outcome in (APPLIED, UNCHANGED):
        return Response(204)
    raise call.error(CODES.get(outcome.outcome, 400), outcome.outcome, outcome.message)


def _numbered(call: Call, outcome: Outcome, number: str) -> dict[str, Any]:
    return _result(outcome, {"id": number, "location": f"{call.base_url}/v1/users/{number}"})


def _by_numbers(call: Call, system: System, write: Write, numbers: list[str]) -> Response:
    if not numbers:
        raise call.error(400, "missing", "give the users' Schoology IDs")
    if len(numbers) > system.batch:
        raise call.error(
            400, "too_many", f"at most {system.batch} users per request; got {len(numbers)}"
        )
    planned = [_status_change(call, write, n) for n in numbers]
    order = {id(p[1]): n for p, n in zip(planned, numbers, strict=True) if isinstance(p, tuple)}
    results = _run(call, planned, lambda outcome, item: _numbered(call, outcome, order[id(item)]))
    return Response(200, {"user": results})


def _delete_users(call: Call, system: System) -> Response:
    """``DELETE /v1/users?uids=1,2``: make up to 50 users inactive."""
    return _by_numbers(
        call, system, DEACTIVATE, [u.strip() for u in call.arg("uids").split(",") if u.strip()]
    )


def _reactivate(call: Call, system: System) -> Response:
    raw = call.object().get("user", [])
    if isinstance(raw, dict):
        raw = [raw]
    if not isinstance(raw, list) or not all(isinstance(u, dict) for u in raw):
        raise call.error(400, "invalid", "give {'user': [{'uid': ...}]}")
    numbers = [str(u.get("uid", "")).strip() for u in raw]
    answer = _by_numbers(call, system, REACTIVATE, numbers)
    for result in answer.body["user"]:
        result.pop("id", None)
        result.setdefault("message", "You have successfully re-activated this user.")
    return answer


def _plan_course(raw: dict[str, Any], update: bool) -> Planned:
    code = str(raw.get("course_code", "")).strip()
    if not code:
        return {"response_code": 400, "message": "course_code is required"}
    params = {k: str(raw[k]) for k in COURSE_FIELDS if raw.get(k) is not None}
    if update:
        params["update_existing"] = "1"
    return SAVE_COURSE, Item(code, params)


def _course_by_code(call: Call, code: str) -> dict[str, Any]:
    found = call.model.get(SYSTEM, "courses", code)
    return course_json(
        _directory(call), _directory(call).number("courses", code), code, found[1] if found else {}
    )


def _created_course(call: Call, code: str) -> dict[str, Any]:
    course = _course_by_code(call, code)
    return course | {"links": {"self": f"{call.base_url}/v1/courses/{course['id']}"}}


def _post_courses(call: Call, system: System) -> Response:
    """Create courses (``?update_existing=1`` updates those whose course_code exists)."""
    update = call.arg("update_existing") == "1"
    records = _wrapped(call, system, "courses", "course")
    if records is None:
        planned = _plan_course(call.object(), update)
        if isinstance(planned, dict):
            raise call.error(400, "invalid", planned["message"])
        outcome = call.model.apply_one(*planned)
        return _single(call, outcome, lambda: _created_course(call, outcome.record), 201)

    def answer(outcome: Outcome, item: Item) -> dict[str, Any]:
        extra: dict[str, Any] = {"course_code": item.record}
        if outcome.outcome == APPLIED:
            number = _directory(call).number("courses", item.record)
            extra |= {"id": str(number), "location": f"{call.base_url}/v1/courses/{number}"}
        return _result(outcome, extra)

    return Response(200, {"course": _run(call, [_plan_course(r, update) for r in records], answer)})


def _put_course(call: Call) -> Response:
    number = call.parts["id"]
    found = _directory(call).find(number, ("courses",))
    if found is None:
        raise call.error(404, "not_found", f"Course {number} not found.")
    params = {k: str(v) for k, v in call.object().items() if k in COURSE_FIELDS and v is not None}
    return _updated(
        call, call.model.apply_one(SAVE_COURSE, Item(found[1], params | {"update_existing": "1"}))
    )


def _section(call: Call) -> tuple[int, str]:
    number = call.parts["id"]
    found = _directory(call).find(number, ("classes",))
    if found is None:
        raise call.error(404, "not_found", f"Section {number} not found.")
    return int(number), found[1]


def _status_name(raw: Any) -> str:
    text = str(raw if raw is not None else "1").strip()
    return CODE_STATUS.get(int(text), "") if text.isdigit() else ""


def _plan_enroll(call: Call, section: str, raw: dict[str, Any]) -> Planned:
    number = str(raw.get("uid", "")).strip()
    user = _directory(call).find(number, USER_KINDS) if number else None
    if user is None:
        return {
            "response_code": 404,
            "message": f"User {number or '(no uid)'} not found.",
            "uid": number,
        }
    status = _status_name(raw.get("status"))
    if not status:
        return {
            "response_code": 400,
            "message": f"status must be 1 to 5, not {raw.get('status')!r}",
            "uid": number,
        }
    params = {"class_id": section, "user": user[1], "status": status}
    if raw.get("admin") is not None:
        params["admin"] = "1" if str(raw["admin"]) == "1" else "0"
    return ENROLL, Item(f"{section}:{user[1]}", params)


def _enrollment_by_record(call: Call, section: int, record: str) -> dict[str, Any]:
    number = _directory(call).number("enrollments", record)
    found = call.model.get(SYSTEM, "enrollments", record)
    status, data = found if found else ("", {})
    return enrollments_json(
        _directory(call), section, [(number, "enrollments", record, status, data)]
    )[0]


def _post_enrollments(call: Call, system: System) -> Response:
    section, code = _section(call)
    records = _wrapped(call, system, "enrollments", "enrollment")
    if records is None:
        planned = _plan_enroll(call, code, call.object())
        if isinstance(planned, dict):
            raise call.error(planned["response_code"], "invalid", planned["message"])
        outcome = call.model.apply_one(*planned)
        return _single(
            call, outcome, lambda: _enrollment_by_record(call, section, outcome.record), 201
        )

    def answer(outcome: Outcome, item: Item) -> dict[str, Any]:
        extra: dict[str, Any] = {"uid": _user_number(call, item.params["user"])}
        if outcome.outcome == APPLIED:
            number = _directory(call).number("enrollments", item.record)
            extra |= {
                "id": str(number),
                "location": f"{call.base_url}/v1/sections/{section}/enrollments/{number}",
            }
        return _result(outcome, extra)

    plans = [_plan_enroll(call, code, r) for r in records]
    return Response(200, {"enrollments": {"enrollment": _run(call, plans, answer)}})


def _user_number(call: Call, record: str) -> int:
    """A user's Schoology ID, from the district's ID (``school_uid``)."""
    for kind in USER_KINDS:
        number = _directory(call).number(kind, record)
        if number:
            return number
    return 0


def _plan_status(call: Call, code: str, raw: dict[str, Any]) -> Planned:
    number = str(raw.get("id", "")).strip()
    found = _directory(call).find(number, ("enrollments",)) if number else None
    if found is None or found[3].get("class_id") != code:
        return {
            "response_code": 404,
            "message": f"Enrollment {number or '(no id)'} not found in this section.",
            "id": number,
        }
    status = _status_name(raw.get("status"))
    if not status:
        return {
            "response_code": 400,
            "message": f"status must be 1 to 5, not {raw.get('status')!r}",
            "id": number,
        }
    return replace(STATUS, target=status), Item(found[1], {"status": status})


def _put_enrollments(call: Call, system: System) -> Response:
    """Change up to 50 enrollments' status (1 active, 2 expired, 3 invite pending,
    4 request pending, 5 archived)."""
    _, code = _section(call)
    records = _wrapped(call, system, "enrollments", "enrollment")
    if records is None:
        raise call.error(
            400, "invalid", "wrap the enrollments as {'enrollments': {'enrollment': [...]}}"
        )
    planned = [_plan_status(call, code, r) for r in records]
    numbers = {
        id(p[1]): str(r.get("id"))
        for r, p in zip(records, planned, strict=True)
        if isinstance(p, tuple)
    }
    results = _run(call, planned, lambda outcome, item: _result(outcome, {"id": numbers[id(item)]}))
    return Response(200, {"enrollments": {"enrollment": results}})


def _put_enrollment(call: Call) -> Response:
    _, code = _section(call)
    planned = _plan_status(call, code, call.object() | {"id": call.parts["eid"]})
    if isinstance(planned, dict):
        raise call.error(planned["response_code"], "invalid", planned["message"])
    return _updated(call, call.model.apply_one(*planned))


def _post_period(call: Call) -> Response:
    """Create a grading period: ``title``, ``start``, ``end`` (YYYY-MM-DD) and, in a
    district of several schools, ``school_id``."""
    body = call.object()
    missing = [f for f in ("title", "start", "end") if not str(body.get(f, "")).strip()]
    if missing:
        raise call.error(
            400, "invalid", f"{', '.join(missing)} {'is' if len(missing) == 1 else 'are'} required"
        )
    schools = call.model.frame(SYSTEM, "schools")
    school_id = str(body.get("school_id", "")).strip()
    if school_id:
        found = _directory(call).find(school_id, ("schools",))
        if found is None:
            raise call.error(404, "not_found", f"School {school_id} not found.")
        school = found[1]
    elif len(schools) == 1:
        school = str(schools.iloc[0]["id"])
    else:
        raise call.error(
            400, "invalid", f"school_id is required: the district has {len(schools)} schools"
        )
    params = {
        "name": str(body["title"]).strip(),
        "start_date": str(body["start"]).strip(),
        "end_date": str(body["end"]).strip(),
    }
    for field, value in (("start", params["start_date"]), ("end", params["end_date"])):
        try:
            date.fromisoformat(value)
        except ValueError:
            raise call.error(
                400, "invalid", f"{field} must be a date YYYY-MM-DD, not {value!r}"
            ) from None
    outcome = call.model.apply_one(PERIOD, Item(school, params))
    record = f"{school}: {params['name']}"

    def shown() -> dict[str, Any]:
        found = call.model.get(SYSTEM, "grading_periods", record)
        status, data = found if found else ("", {})
        return period_json(
            _directory(call), _directory(call).number("grading_periods", record), status, data
        )

    return _single(call, outcome, shown, 201)
