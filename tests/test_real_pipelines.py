"""The drop-in yardstick: real pipelines from public projects run under albumentations 2.0.8 and xalbu.

Each corpus entry (tests/data/real_pipelines*.py) is built with both modules and called with the same
seeded inputs. Where albumentations raises (building or calling), xalbu must raise too (a TypeError or
ValueError of albumentations' must be one in xalbu as well). Otherwise xalbu must build and run, and
give the same output keys and, for each target, the same container type, dtype and shape (images,
masks), boxes/keypoints with the same column count and label fields as long as their boxes; pipelines
with no randomness must match albumentations' values (1 level on uint8, 1e-5 on float32). Each entry
records what albumentations 2.0.8 does with it (``raises``), checked here too.
"""

from __future__ import annotations

import importlib
import sys
import warnings
from pathlib import Path

import numpy as np
import pytest

import xalbu

A_REF = pytest.importorskip("albumentations")

sys.path.insert(0, str(Path(__file__).resolve().parent / "data"))
_CORPUS = [importlib.import_module(name) for name in ("real_pipelines", "real_pipelines_seg")]
ENTRIES = _CORPUS[0].ENTRIES  # both modules register into this list
N_BOXES = 4
N_KEYPOINTS = 5
CALLS = 3  # calls per pipeline (random branches), fresh inputs each time
PIPELINE_SEED = 0


def _params():
    out = []
    for e in ENTRIES:
        marks = [pytest.mark.xfail(strict=True, reason=e.xfail)] if e.xfail else []
        out.append(pytest.param(e, id=e.name, marks=marks))
    return out


def _boxes(rng, h, w, fmt):
    x0 = rng.uniform(0, w * 0.6, N_BOXES)
    y0 = rng.uniform(0, h * 0.6, N_BOXES)
    x1 = np.minimum(x0 + rng.uniform(w * 0.2, w * 0.4, N_BOXES), w)
    y1 = np.minimum(y0 + rng.uniform(h * 0.2, h * 0.4, N_BOXES), h)
    if fmt == "pascal_voc":
        rows = np.stack([x0, y0, x1, y1], 1)
    elif fmt == "coco":
        rows = np.stack([x0, y0, x1 - x0, y1 - y0], 1)
    elif fmt == "yolo":
        rows = np.stack([(x0 + x1) / 2 / w, (y0 + y1) / 2 / h, (x1 - x0) / w, (y1 - y0) / h], 1)
    else:  # albumentations: normalised corners
        rows = np.stack([x0 / w, y0 / h, x1 / w, y1 / h], 1)
    return [list(map(float, r)) for r in rows]


def _image(rng, entry, h, w):
    shape = (h, w) if entry.channels == 0 else (h, w, entry.channels)
    img = rng.integers(0, 256, shape, dtype=np.uint8)
    return img if entry.dtype == "uint8" else (img / 255.0).astype(entry.dtype)


def make_inputs(entry, seed):
    rng = np.random.default_rng(seed)
    h, w = entry.size
    data = {"image": _image(rng, entry, h, w)}
    if "mask" in entry.targets:
        data["mask"] = rng.integers(0, 4, (h, w), dtype=np.uint8)
    if "bboxes" in entry.targets:
        data["bboxes"] = _boxes(rng, h, w, entry.bbox_format)
        for name in entry.label_fields + entry.extra:
            data[name] = [int(v) for v in rng.integers(0, 3, N_BOXES)]
    if "keypoints" in entry.targets:
        pts = np.stack([rng.uniform(0, w - 1, N_KEYPOINTS), rng.uniform(0, h - 1, N_KEYPOINTS)], 1)
        data["keypoints"] = [tuple(map(float, p)) for p in pts]
        for name in entry.keypoint_labels:
            data[name] = [f"kp{i}" for i in range(N_KEYPOINTS)]
    for name, kind in entry.additional.items():
        data[name] = (
            _image(rng, entry, h, w) if kind == "image" else rng.integers(0, 4, (h, w), dtype=np.uint8)
        )
    return data


def _run(module, entry):
    """Build and call CALLS times: ("ok", [outputs]) or ("build"|"call", exception)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            pipeline = entry.build(module)
        except Exception as exc:  # noqa: BLE001 - any exception is part of the contract
            return "build", exc
        if hasattr(pipeline, "set_random_seed"):
            pipeline.set_random_seed(PIPELINE_SEED)  # reproducible draws (each library its own)
        outs = []
        for i in range(CALLS):
            try:
                outs.append(pipeline(**make_inputs(entry, 1000 + i)))
            except Exception as exc:  # noqa: BLE001
                return "call", exc
    return "ok", outs


def _kind(value):
    """Container kind, dtype and shape of one output value."""
    name = type(value).__module__.split(".")[0] + "." + type(value).__name__
    if hasattr(value, "dtype") and hasattr(value, "shape"):
        return name, str(value.dtype).replace("torch.", ""), tuple(value.shape)
    return name, None, None


def _rows(value):
    arr = np.asarray(value, dtype=np.float64) if len(value) else np.zeros((0, 0))
    return arr.shape[0], (arr.shape[1] if arr.ndim == 2 else None)


def _to_numpy(value):
    return (
        value.numpy() if hasattr(value, "numpy") and not isinstance(value, np.ndarray) else np.asarray(value)
    )


def _compare(entry, ref, got):
    assert sorted(got) == sorted(ref), "output keys differ"
    spatial = {"image", "mask", *entry.additional}
    for key in ref:
        if key in spatial:
            assert _kind(got[key]) == _kind(ref[key]), f"{key}: (type, dtype, shape) differ"
        elif key in ("bboxes", "keypoints"):
            assert _kind(got[key])[0] == _kind(ref[key])[0], f"{key}: container type differs"
            n_ref, cols_ref = _rows(ref[key])
            n_got, cols_got = _rows(got[key])
            if n_ref and n_got:
                assert cols_got == cols_ref, f"{key}: column count differs"
            fields = entry.label_fields if key == "bboxes" else entry.keypoint_labels
            for name in fields:
                assert len(got[name]) == n_got, f"{name} out of sync with {key}"
                assert type(got[name]) is type(ref[name]), f"{name}: container type differs"
            if entry.deterministic:
                assert n_got == n_ref, f"{key}: count differs"
                if n_ref:
                    np.testing.assert_allclose(
                        np.asarray(got[key], float), np.asarray(ref[key], float), atol=1e-4
                    )
        if entry.deterministic and key in spatial:
            a, b = _to_numpy(ref[key]), _to_numpy(got[key])
            tol = 1 if a.dtype.kind in "ui" else 1e-5
            np.testing.assert_allclose(b.astype(np.float64), a.astype(np.float64), atol=tol, rtol=0)


def test_corpus_size():
    names = [e.name for e in ENTRIES]
    assert len(names) >= 30
    assert len(set(names)) == len(names)


@pytest.mark.parametrize("entry", _params())
def test_real_pipeline(entry):
    if entry.torch:
        pytest.importorskip("torch")
    ref_status, ref = _run(A_REF, entry)
    recorded = "ok" if ref_status == "ok" else f"{ref_status}:{type(ref).__name__}"
    assert recorded == (entry.raises or "ok"), (
        f"albumentations 2.0.8 no longer does what the corpus records: {ref!r}"
    )
    got_status, got = _run(xalbu, entry)
    if ref_status != "ok":
        assert got_status != "ok", f"albumentations raises ({ref_status}: {ref!r}); xalbu runs"
        for base in (TypeError, ValueError):
            if isinstance(ref, base):
                assert isinstance(got, base), f"albumentations raises {ref!r}; xalbu raises {got!r}"
        return
    assert got_status == "ok", f"albumentations runs; xalbu raises at {got_status}: {got!r}"
    for r, g in zip(ref, got, strict=True):
        _compare(entry, r, g)
