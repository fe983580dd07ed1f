"""The README's catalogue table: generated from the code, and its list of albumentations 2.0.8's
classes equal to what albumentations 2.0.8 exports."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest

import xalbu
from xalbu.__main__ import main
from xalbu.gallery import _catalogue as C

README = Path(__file__).resolve().parents[1] / "README.md"


def test_readme_table_is_current():
    """Run ``python -m xalbu catalogue`` after adding a transform."""
    assert C.update_readme(README, check=True), (
        "README catalogue table is out of date: python -m xalbu catalogue"
    )


def test_the_list_is_albumentations_2_0_8():
    AL = pytest.importorskip("albumentations")
    pytest.importorskip("torch")  # albumentations.pytorch imports it (CI runs this file again with torch)
    import albumentations.pytorch as ALP

    assert AL.__version__ == "2.0.8"
    found = {
        name
        for name, obj in [*vars(AL).items(), *vars(ALP).items()]
        if inspect.isclass(obj) and issubclass(obj, AL.BasicTransform) and not name.startswith("_")
    }
    listed = [n for names in C.ALBUMENTATIONS_2_0_8.values() for n in names]
    assert len(listed) == len(set(listed))
    assert set(listed) == found
    for module, names in C.ALBUMENTATIONS_2_0_8.items():  # grouped by albumentations' own modules
        for n in names:
            where = getattr(AL, n, None) or getattr(ALP, n)
            assert f".{module}" in where.__module__ or module == "core", (n, where.__module__)


def test_table_marks_what_is_missing(monkeypatch):
    monkeypatch.delattr(xalbu, "Blur")
    table = C.catalogue_table()
    assert "~~Blur~~" in table and "| blur |" in table and "7 / 8" in table
    assert "Blur" in C.missing()


def test_update_and_check(tmp_path, capsys):
    readme = tmp_path / "README.md"
    readme.write_text(f"intro\n{C.START}\nold\n{C.END}\nrest\n")
    assert main(["catalogue", "--readme", str(readme), "--check"]) == 1
    assert "out of date" in capsys.readouterr().out
    assert main(["catalogue", "--readme", str(readme)]) == 0
    text = readme.read_text()
    assert text.startswith("intro\n") and text.endswith(f"{C.END}\nrest\n") and "| pixel |" in text
    assert main(["catalogue", "--readme", str(readme), "--check"]) == 0
    readme.write_text("no markers\n")
    assert main(["catalogue", "--readme", str(readme)]) == 1
    assert "markers are missing" in capsys.readouterr().err
