"""The OneRoster tables an export is made of: orgs from School names, academic sessions from
Class Terms, users (and 1.2 roles) from Students and Educators, statuses with their carriers."""

from __future__ import annotations

from datetime import date

import pandas as pd

from bot.roster.bundle import ONEROSTER_11, ONEROSTER_12
from bot.roster.frames import EXTENSION
from bot.roster.values import (
    DELETED,
    INACTIVE,
    codes_from_grades,
    look_up,
    oneroster_status,
    slug,
    split_name,
)

FORMATS = (ONEROSTER_11, ONEROSTER_12)
DISTRICT = "district"
SCHOOL_YEAR = "school-year"
ROLES_11 = frozenset(
    {"administrator", "aide", "guardian", "parent", "proctor", "relative", "student", "teacher"}
)
ROLES_12 = ROLES_11 | {
    "counselor",
    "districtAdministrator",
    "principal",
    "siteAdministrator",
    "systemAdministrator",
}
FILE_LIST = {
    ONEROSTER_11: (
        "academicSessions",
        "categories",
        "classes",
        "classResources",
        "courses",
        "courseResources",
        "demographics",
        "enrollments",
        "lineItems",
        "orgs",
        "resources",
        "results",
        "users",
    ),
    ONEROSTER_12: (
        "academicSessions",
        "categories",
        "classes",
        "classResources",
        "courses",
        "courseResources",
        "demographics",
        "enrollments",
        "lineItems",
        "orgs",
        "resources",
        "results",
        "roles",
        "users",
        "userProfiles",
    ),
}
USERS_11 = (
    "sourcedId",
    "status",
    "dateLastModified",
    "enabledUser",
    "orgSourcedIds",
    "role",
    "username",
    "userIds",
    "givenName",
    "familyName",
    "middleName",
    "identifier",
    "email",
    "sms",
    "phone",
    "agentSourcedIds",
    "grades",
    "password",
)
USERS_12 = (
    "sourcedId",
    "status",
    "dateLastModified",
    "enabledUser",
    "username",
    "userIds",
    "givenName",
    "familyName",
    "middleName",
    "identifier",
    "email",
    "sms",
    "phone",
    "agentSourcedIds",
    "grades",
    "password",
    "userMasterIdentifier",
    "resourceSourcedIds",
    "preferredGivenName",
    "preferredMiddleName",
    "preferredFamilyName",
    "primaryOrgSourcedId",
    "pronouns",
)
EXT_STATUS = EXTENSION + "status"
EXT_SCHOOL = EXTENSION + "school"


def school_year(today: date) -> tuple[str, str, str]:
    start = today.year if today.month >= 7 else today.year - 1
    return f"{start}-07-01", f"{start + 1}-06-30", str(start + 1)


def statuses(status: pd.Series, users: bool) -> pd.DataFrame:
    """Native status (and enabledUser), plus the exact workbook status where they differ."""
    folded = status.str.strip().str.casefold()
    native = pd.Series("active", index=status.index).mask(folded == DELETED, DELETED)
    enabled = pd.Series("true", index=status.index)
    if users:
        enabled = enabled.mask(folded == INACTIVE, "false")
    back = oneroster_status(native, enabled if users else None)
    out = pd.DataFrame({"status": native, EXT_STATUS: status.where(back != status, "")})
    if users:
        out.insert(1, "enabledUser", enabled)
    return out


class Orgs:
    """School names -> org sourcedIds (slugs, made unique), under one district org."""

    def __init__(self, district: str, names: pd.Series) -> None:
        self.district = district
        self.ids: dict[str, str] = {district: DISTRICT}
        taken = {DISTRICT}
        for name in sorted(set(names.str.strip()) - {"", district}):
            base = candidate = slug(name)
            number = 2
            while candidate in taken:
                candidate, number = f"{base}-{number}", number + 1
            taken.add(candidate)
            self.ids[name] = candidate

    def of(self, names: pd.Series) -> pd.Series:
        return names.str.strip().map(self.ids).fillna(DISTRICT)

    def frame(self) -> pd.DataFrame:
        rows = [
            {
                "sourcedId": sid,
                "name": name,
                "type": "district" if sid == DISTRICT else "school",
                "parentSourcedId": "" if sid == DISTRICT else DISTRICT,
            }
            for name, sid in self.ids.items()
        ]
        return pd.DataFrame(rows)


def sessions(
    classes: pd.DataFrame, enrollments: pd.DataFrame, today: date
) -> tuple[pd.DataFrame, pd.Series]:
    """academicSessions rows and each class's termSourcedIds."""
    start, end, year = school_year(today)
    terms = classes.set_index("Class ID")["Term"].str.split("; ").explode().str.strip()
    terms = terms[terms.fillna("") != ""]
    spans = enrollments.groupby("Class ID").agg(
        begin=("Start date", lambda s: min((v for v in s if v), default="")),
        finish=("Target date", lambda s: max((v for v in s if v), default="")),
    )
    per_term = pd.DataFrame({"title": terms}).join(spans, how="left").fillna("")
    per_term = per_term.groupby("title").agg(
        begin=("begin", lambda s: min((v for v in s if v), default=start)),
        finish=("finish", lambda s: max((v for v in s if v), default=end)),
    )
    titles = list(per_term.index)
    ids = {title: f"term-{slug(title)}" for title in titles}
    rows = [
        {
            "sourcedId": SCHOOL_YEAR,
            "title": f"{int(year) - 1}-{year} School Year",
            "type": "schoolYear",
            "startDate": start,
            "endDate": end,
            "parentSourcedId": "",
            "schoolYear": year,
        }
    ]
    rows += [
        {
            "sourcedId": ids[t],
            "title": t,
            "type": "term",
            "startDate": per_term.at[t, "begin"],
            "endDate": per_term.at[t, "finish"],
            "parentSourcedId": SCHOOL_YEAR,
            "schoolYear": year,
        }
        for t in titles
    ]
    class_terms = terms.map(ids).groupby(level=0).agg(",".join)
    term_ids = look_up(classes["Class ID"], class_terms, SCHOOL_YEAR)
    return pd.DataFrame(rows), term_ids


def users_and_roles(
    students: pd.DataFrame, educators: pd.DataFrame, orgs: Orgs, version: str, stamp: str
) -> tuple[pd.DataFrame, pd.DataFrame]:
    given, family = split_name(educators["Name"])
    role = educators["Role"].str.strip()
    valid = ROLES_12 if version == ONEROSTER_12 else ROLES_11
    native_role = role.where(role.isin(valid), "teacher")
    people = pd.concat(
        [
            pd.DataFrame(
                {
                    "sourcedId": students["Student ID"],
                    "givenName": students["First name"],
                    "familyName": students["Last name"],
                    "email": students["Email"],
                    "grades": codes_from_grades(students["Grade"]),
                    "role": "student",
                    "school": students["School"],
                    "wbstatus": students["Status"],
                    EXTENSION + "role": "",
                    EXTENSION + "graduationYear": students["Graduation year"],
                }
            ),
            pd.DataFrame(
                {
                    "sourcedId": educators["Educator ID"],
                    "givenName": given,
                    "familyName": family,
                    "email": educators["Email"],
                    "grades": "",
                    "role": native_role,
                    "school": educators["School"],
                    "wbstatus": educators["Status"],
                    EXTENSION + "role": role.where(role != native_role, ""),
                    EXTENSION + "graduationYear": "",
                }
            ),
        ],
        ignore_index=True,
    )
    status = statuses(people["wbstatus"], users=True)
    org = orgs.of(people["school"])
    users = pd.DataFrame(
        dict.fromkeys(USERS_12 if version == ONEROSTER_12 else USERS_11, ""), index=people.index
    )
    for column in ("sourcedId", "givenName", "familyName", "email", "grades"):
        users[column] = people[column]
    users["status"], users["enabledUser"] = status["status"], status["enabledUser"]
    users["dateLastModified"] = stamp
    users["username"] = people["email"].where(
        people["email"].str.strip() != "", people["sourcedId"]
    )
    if version == ONEROSTER_12:
        users["primaryOrgSourcedId"] = org
    else:
        users["orgSourcedIds"], users["role"] = org, people["role"]
    users[EXT_STATUS] = status[EXT_STATUS]
    for name in ("role", "graduationYear"):
        users[EXTENSION + name] = people[EXTENSION + name]
    users[EXT_SCHOOL] = people["school"]
    roles = pd.DataFrame(
        {
            "sourcedId": people["sourcedId"] + "-role",
            "status": status["status"],
            "dateLastModified": stamp,
            "userSourcedId": people["sourcedId"],
            "roleType": "primary",
            "role": people["role"],
            "beginDate": "",
            "endDate": "",
            "orgSourcedId": org,
            "userProfileSourcedId": "",
        }
    )
    return users, roles
