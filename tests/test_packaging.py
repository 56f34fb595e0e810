"""The wheel carries every data file, and the service refuses to start without them."""

import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from app.config import get_settings
from app.lifecycle import get_registry
from app.main import create_app
from tests.conftest import ROOT
from workflows.invalid import WorkflowInvalid

PACKAGES = ("app", "workflows", "workers")


def data_files() -> set[str]:
    """Every file of the packages that is not Python source: what the service reads."""
    found = set()
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*"):
            if path.is_file() and path.suffix not in {".py", ".pyc"}:
                found.add(path.relative_to(ROOT).as_posix())
    return found


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(out), str(ROOT)],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return next(out.glob("citygate-*.whl"))


def test_the_wheel_holds_every_data_file(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())

    assert data_files() - names == set()
    assert "workflows/checklists/dpia-v1.toml" in names


def test_installed_elsewhere_it_finds_its_catalogues(wheel: Path, tmp_path: Path) -> None:
    installed = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(installed)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()

    found = subprocess.run(
        [sys.executable, "-c",
         "from app.lifecycle import get_registry; print(sorted(get_registry().catalogues))"],
        cwd=elsewhere,
        env={"PYTHONPATH": str(installed), "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        check=False,
    )  # fmt: skip

    assert found.returncode == 0, found.stderr
    assert "'dpia'" in found.stdout
    assert "'prescreen'" in found.stdout


def test_it_refuses_to_start_without_the_catalogues_a_workflow_names(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    definitions = tmp_path / "definitions"
    definitions.mkdir()
    shutil.copy(ROOT / "workflows/definitions/default-v1.toml", definitions)
    text = (definitions / "default-v1.toml").read_text()
    (definitions / "default-v1.toml").write_text(text.replace('"iama"', '"iama", "no_such_list"'))
    monkeypatch.setenv("WORKFLOWS_DIR", str(definitions))
    get_settings.cache_clear()
    get_registry.cache_clear()
    try:
        with pytest.raises(WorkflowInvalid, match="unknown checklist 'no_such_list'"):  # noqa: SIM117
            with TestClient(create_app()):
                pass
    finally:
        monkeypatch.delenv("WORKFLOWS_DIR")
        get_settings.cache_clear()
        get_registry.cache_clear()
