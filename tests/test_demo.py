"""The bundled sample photos, the demo command, and the README (first lines, code blocks, transform list)."""

from __future__ import annotations

import re
import subprocess
import sys
import types
from pathlib import Path

import cv2
import numpy as np
import pytest

import xalbu
from xalbu import demo
from xalbu.__main__ import main

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
DATA = ROOT / "xalbu" / "data"


def _cuda() -> bool:
    return demo.cuda_available()


# ----------------------------------------------------------------------------- samples
def test_load_samples_are_real_annotated_photos():
    samples = demo.load_samples()
    assert 2 <= len(samples) <= 3
    classes = demo.classes()
    assert classes[0] == "background"
    for s in samples:
        img, mask = s["image"], s["mask"]
        assert img.dtype == np.uint8 and img.ndim == 3 and img.shape[2] == 3
        assert 200 <= max(img.shape[:2]) <= 400
        assert img.std() > 20  # a photo, not a flat fill
        assert mask.dtype == np.uint8 and mask.shape == img.shape[:2]
        assert len(s["bboxes"]) == len(s["labels"]) >= 1
        h, w = mask.shape
        for (x0, y0, x1, y1), label in zip(s["bboxes"], s["labels"], strict=True):
            assert 0 <= x0 < x1 <= w and 0 <= y0 < y1 <= h
            # the object's mask lies in its box and fills a fair part of it
            inside = mask[int(y0) : int(y1), int(x0) : int(x1)] == classes.index(label)
            assert inside.mean() > 0.3
        assert set(np.unique(mask)) == {0} | {classes.index(lb) for lb in s["labels"]}


def test_load_samples_by_name_and_fresh_copies():
    a = demo.load_samples(["chelsea"])
    assert len(a) == 1 and a[0]["labels"] == ["eye", "eye"]
    a[0]["image"][:] = 0
    assert demo.load_samples(["chelsea"])[0]["image"].any()
    with pytest.raises(ValueError, match="names"):
        demo.load_samples(["nope"])


def test_every_bundled_photo_has_a_license_note():
    notes = (DATA / "LICENSES.md").read_text()
    photos = sorted(p.name for p in DATA.iterdir() if p.suffix in (".jpg", ".png"))
    assert photos == sorted(f"{n}.jpg" for n in demo.SAMPLE_NAMES)
    for name in photos:
        assert f"`{name}`" in notes
    assert sum((DATA / p).stat().st_size for p in photos) < 300_000


def test_samples_run_through_a_pipeline():
    out = demo.build_pipeline(128, seed=0)(**demo.load_samples()[0])
    assert out["image"].shape == (128, 128, 3) and out["mask"].shape == (128, 128)
    assert len(out["bboxes"]) == len(out["labels"])


# ----------------------------------------------------------------------------- the demo
_THROUGHPUT = re.compile(r"throughput: ([0-9.]+) images/s \((\d+) images, (\d+) repeats\)")


def test_demo_command_writes_the_contact_sheet(tmp_path):
    out = tmp_path / "sheet.png"
    proc = subprocess.run(
        [sys.executable, "-m", "xalbu", "demo", "--out", str(out), "--repeats", "1"],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=tmp_path,
    )
    assert proc.returncode == 0, proc.stderr
    assert re.search(r"^backend: (numpy\+opencv \(CPU\)|cupy \(CUDA, .+\))$", proc.stdout, re.M), proc.stdout
    m = _THROUGHPUT.search(proc.stdout)
    assert m and float(m.group(1)) > 0 and int(m.group(3)) == 1, proc.stdout
    assert str(out) in proc.stdout
    sheet = cv2.imread(str(out), cv2.IMREAD_COLOR)
    assert sheet is not None
    assert sheet.shape[:2] == demo.sheet_shape(len(demo.SAMPLE_NAMES), 1 + 5, 256)


def test_run_demo_numpy_is_reproducible(tmp_path):
    kwargs = dict(backend="numpy", repeats=1, per_sample=1, columns=2, seed=3, verbose=False)
    r1 = demo.run_demo(tmp_path / "a.png", **kwargs)
    r2 = demo.run_demo(tmp_path / "b.png", **kwargs)
    assert r1.backend == "numpy" and r1.description == "numpy+opencv (CPU)"
    assert r1.images_per_second > 0 and r1.n_images == len(demo.SAMPLE_NAMES)
    a, b = cv2.imread(str(r1.out)), cv2.imread(str(r2.out))
    assert a.shape[:2] == r1.sheet_shape == demo.sheet_shape(len(demo.SAMPLE_NAMES), 3, 256)
    np.testing.assert_array_equal(a, b)


def test_main_without_command_prints_help(capsys):
    assert main([]) == 2
    assert "demo" in capsys.readouterr().out


def test_demo_rejects_bad_arguments():
    with pytest.raises(SystemExit):
        main(["demo", "--repeats", "0"])
    with pytest.raises(SystemExit):
        main(["demo", "--backend", "tpu"])


@pytest.mark.skipif(_cuda(), reason="a CUDA device is present")
def test_demo_cupy_backend_unavailable_is_an_error(tmp_path, capsys):
    assert main(["demo", "--backend", "cupy", "--out", str(tmp_path / "x.png")]) == 1
    assert "cupy" in capsys.readouterr().err
    assert not (tmp_path / "x.png").exists()


def test_demo_batch_path_logic_with_a_stand_in_for_cupy(tmp_path, monkeypatch):
    """The CuPy code path (one ``pipeline.batch`` per round) with NumPy standing in for CuPy."""
    stream = types.SimpleNamespace(synchronize=lambda: None)
    fake = types.ModuleType("cupy")
    fake.asarray = np.asarray
    fake.asnumpy = np.asarray
    fake.cuda = types.SimpleNamespace(
        runtime=types.SimpleNamespace(
            getDeviceCount=lambda: 1, getDeviceProperties=lambda i: {"name": b"Fake"}
        ),
        Device=lambda: types.SimpleNamespace(id=0),
        get_current_stream=lambda: stream,
    )
    monkeypatch.setitem(sys.modules, "cupy", fake)
    r = demo.run_demo(tmp_path / "s.png", backend="auto", repeats=1, per_sample=2, columns=2, verbose=False)
    assert r.backend == "cupy" and r.description == "cupy (CUDA, Fake)"
    assert r.n_images == 2 * len(demo.SAMPLE_NAMES)
    assert cv2.imread(str(r.out)).shape[:2] == demo.sheet_shape(len(demo.SAMPLE_NAMES), 3, 256)


@pytest.mark.gpu
def test_run_demo_on_cupy(tmp_path, cupy):
    r = demo.run_demo(tmp_path / "g.png", backend="cupy", repeats=1, per_sample=4, columns=2, verbose=False)
    assert r.backend == "cupy" and r.images_per_second > 0
    assert cv2.imread(str(r.out)).shape[:2] == demo.sheet_shape(len(demo.SAMPLE_NAMES), 3, 256)


# ----------------------------------------------------------------------------- the README
def _readme() -> str:
    return README.read_text()


def test_readme_starts_with_the_two_commands():
    lines = _readme().splitlines()
    assert lines[0].startswith("# ")
    start = next(i for i, line in enumerate(lines) if line.strip())  # the title
    rest = [line for line in lines[start + 1 :] if line.strip()]
    assert rest[:4] == [
        "```bash",
        "pip install -e . && python -m xalbu demo",
        'pip install -e ".[test]" && python -m pytest -q',
        "```",
    ]


def _python_blocks() -> list[str]:
    return re.findall(r"^```python\n(.*?)^```", _readme(), re.S | re.M)


def test_readme_has_python_blocks():
    assert len(_python_blocks()) >= 6


def _uses_cupy(code: str) -> bool:
    return re.search(r"^\s*(import cupy|from cupy)", code, re.M) is not None


@pytest.mark.parametrize(
    "index",
    [pytest.param(i, marks=pytest.mark.gpu) if _uses_cupy(b) else i for i, b in enumerate(_python_blocks())],
)
def test_readme_python_block_runs(index, tmp_path, monkeypatch, request):
    code = _python_blocks()[index]
    if _uses_cupy(code):
        request.getfixturevalue("cupy")  # a CUDA device, else the CPU harness installed as cupy
    if re.search(r"^\s*import torch", code, re.M):
        pytest.importorskip("torch")
    monkeypatch.chdir(tmp_path)
    exec(compile(code, f"README.md python block {index}", "exec"), {"__name__": "__readme__"})


def test_readme_transforms_section_names_every_family_and_links_the_generated_list():
    section = _readme().split("## Transforms", 1)[1].split("\n## ", 1)[0]
    families = {cls.__module__.rsplit(".", 1)[-1] for cls in xalbu.TRANSFORMS.values()}
    missing = sorted(f for f in families if f"`{f}`" not in section)
    assert not missing, f"the README's Transforms section does not name the families {missing}"
    assert "docs/gallery/reference.md" in section  # the list itself is generated from the registry
    named = set(re.findall(r"`([A-Z]\w+)`", section))
    assert named and all(hasattr(xalbu, name) for name in named)
