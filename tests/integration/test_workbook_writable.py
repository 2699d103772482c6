"""A workbook the bot could not write back to (open in LibreOffice or Excel, read-only, in a
read-only folder) stops `run --once` and `import-roster` before anything changes, with exit 2
and a message naming the file; a workbook the bot writes keeps its mode."""

from __future__ import annotations

import hashlib
import stat
from collections.abc import Iterator
from pathlib import Path

import pytest
from openpyxl import Workbook as XlWorkbook

from bot.cli import main
from bot.config import Config
from bot.errors import WorkbookError
from bot.lms.mock import MockLMS
from bot.state.sqlite import SqliteState
from bot.workbook.xlsx_layout import save_atomically

ADMIN = "admin@demo-district.org"
LIBRE_LOCK = "Jane Doe,jdoe,ws-3,22.11.2026 10:02,file:///home/jdoe/.config/libreoffice/4;"


def excel_owner_file(name: str) -> bytes:
    """Excel's ``~$`` owner file: a length byte, the name padded to 54 bytes, then UTF-16."""
    encoded = name.encode("latin-1")
    wide = name.encode("utf-16-le")
    head = bytes([len(encoded)]) + encoded.ljust(53, b" ")
    return (head + len(name).to_bytes(2, "little") + wide).ljust(162, b" ")


@pytest.fixture
def approved(demo_config: Config) -> Config:
    """S-001 (complete 80-odd enrollments) approved: the next run changes the LMS."""
    source = str(demo_config.source)
    assert main(["check", "--config", source]) == 0
    assert main(["approve", "S-001", "--as", ADMIN, "--config", source]) == 0
    return demo_config


@pytest.fixture
def bundle(demo_config: Config, tmp_path: Path) -> Path:
    """The demo's roster exported, with one student renamed: importing it writes a cell."""
    target = tmp_path / "bundle"
    export = ["export-roster", "--format", "oneroster-1.2", "--to", str(target)]
    assert main([*export, "--config", str(demo_config.source)]) == 0
    users = target / "users.csv"
    text = users.read_text(encoding="utf-8")
    first = text.splitlines()[1].split(",")
    given = first[6]
    users.write_text(text.replace(f",{given},", f",{given}x,", 1), encoding="utf-8")
    return target


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def lms_changes(config: Config) -> int:
    lms = MockLMS(config.lms_path)
    try:
        return len(lms.store.history("Edgenuity"))
    finally:
        lms.close()


def applied(config: Config) -> int:
    state = SqliteState(config.state_path)
    try:
        return len(state.outcomes("S-001"))
    finally:
        state.close()


@pytest.fixture
def read_only_folder(demo_config: Config) -> Iterator[Path]:
    folder = demo_config.workbook_path.parent
    mode = stat.S_IMODE(folder.stat().st_mode)
    folder.chmod(0o555)
    yield folder
    folder.chmod(mode)


def lock_libreoffice(config: Config) -> str:
    path = config.workbook_path
    path.with_name(f".~lock.{path.name}#").write_text(LIBRE_LOCK, encoding="utf-8")
    return (
        f"the workbook {path} is open in LibreOffice (.~lock.{path.name}#, by Jane Doe (jdoe) "
        "on ws-3 since 22.11.2026 10:02)"
    )


def lock_excel(config: Config) -> str:
    path = config.workbook_path
    path.with_name(f"~${path.name}").write_bytes(excel_owner_file("Jane Doe"))
    return f"the workbook {path} is open in Excel (~${path.name}, by Jane Doe)"


def make_read_only(config: Config) -> str:
    config.workbook_path.chmod(0o444)
    return f"the workbook {config.workbook_path} is read-only"


SETUPS = {"LibreOffice": lock_libreoffice, "Excel": lock_excel, "read-only": make_read_only}


@pytest.mark.parametrize("setup", SETUPS)
def test_run_once_on_a_workbook_it_cannot_write_changes_nothing(
    approved: Config, setup: str, capsys: pytest.CaptureFixture[str]
) -> None:
    said = SETUPS[setup](approved)
    before = digest(approved.workbook_path)
    capsys.readouterr()
    assert main(["run", "--once", "--config", str(approved.source)]) == 2
    err = capsys.readouterr().err
    assert err.startswith(f"error: {said}"), err
    assert "run this again" in err
    assert "Traceback" not in err
    assert lms_changes(approved) == 0
    assert applied(approved) == 0
    assert digest(approved.workbook_path) == before


@pytest.mark.parametrize("setup", SETUPS)
def test_import_roster_into_a_workbook_it_cannot_write_changes_nothing(
    demo_config: Config, bundle: Path, setup: str, capsys: pytest.CaptureFixture[str]
) -> None:
    said = SETUPS[setup](demo_config)
    before = digest(demo_config.workbook_path)
    capsys.readouterr()
    command = ["import-roster", str(bundle), "--config", str(demo_config.source)]
    assert main(command) == 2
    assert capsys.readouterr().err.startswith(f"error: {said}")
    assert digest(demo_config.workbook_path) == before


def test_a_read_only_folder_is_refused_before_acting(
    approved: Config, bundle: Path, read_only_folder: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = digest(approved.workbook_path)
    capsys.readouterr()
    assert main(["run", "--once", "--config", str(approved.source)]) == 2
    err = capsys.readouterr().err
    assert f"its folder {read_only_folder} is not writable" in err
    assert main(["import-roster", str(bundle), "--config", str(approved.source)]) == 2
    assert f"its folder {read_only_folder} is not writable" in capsys.readouterr().err
    assert lms_changes(approved) == 0
    assert digest(approved.workbook_path) == before


def test_once_the_lock_is_gone_the_run_goes_ahead(approved: Config) -> None:
    lock_libreoffice(approved)
    assert main(["run", "--once", "--config", str(approved.source)]) == 2
    path = approved.workbook_path
    path.with_name(f".~lock.{path.name}#").unlink()
    assert main(["run", "--once", "--config", str(approved.source)]) == 0
    assert lms_changes(approved) > 50


@pytest.mark.parametrize("mode", [0o664, 0o640, 0o600])
def test_writes_keep_the_workbook_mode(approved: Config, bundle: Path, mode: int) -> None:
    path = approved.workbook_path
    path.chmod(mode)
    assert main(["run", "--once", "--config", str(approved.source)]) == 0
    assert lms_changes(approved) > 50
    assert stat.S_IMODE(path.stat().st_mode) == mode
    before = digest(path)
    assert main(["import-roster", str(bundle), "--config", str(approved.source)]) == 0
    assert digest(path) != before
    assert stat.S_IMODE(path.stat().st_mode) == mode


def test_a_failed_save_is_a_clear_error(tmp_path: Path) -> None:
    target = tmp_path / "gone" / "rollover.xlsx"
    with pytest.raises(WorkbookError, match=f"cannot write the workbook {target}: "):
        save_atomically(XlWorkbook(), target)
    assert not (tmp_path / "gone").exists()
