"""Reproducibility (seeds, processes, pickling, worker streams) and array types in = array types out."""

from __future__ import annotations

import hashlib
import importlib.util
import multiprocessing as mp
import os
import pickle
import subprocess
import sys
import types
from pathlib import Path
from typing import Any

import array_api_strict as xps
import numpy as np
import pytest
from test_contract import DTYPE_OUT, EXAMPLES, build

import xalbu as A

TESTS = Path(__file__).resolve().parent
H, W = 24, 24
IMG = np.random.default_rng(0).integers(0, 256, (H, W, 3), dtype=np.uint8)
MASK = (np.arange(H * W).reshape(H, W) % 7).astype(np.uint8)
BOXES = np.array([[2, 3, 12, 15, 0], [10, 4, 22, 20, 1]], np.float64)
KPS = np.array([[4.5, 5.5, 30.0, 1.0], [20.0, 12.0, 100.0, 2.0]], np.float64)


def pixel_names() -> list[str]:
    """Registered pixel transforms that keep the dtype."""
    return sorted(n for n, c in A.TRANSFORMS.items() if c.kind == "pixel" and n not in DTYPE_OUT)


def make_pipeline(seed: int | None = 0, p: float = 0.5) -> A.Compose:
    """A random pipeline: every dtype-keeping pixel transform, then exact and resampling geometry."""
    ts: list[Any] = [build(n, p=p) for n in pixel_names()]
    ts += [A.HorizontalFlip(p=p), A.OneOf([A.D4(p=1), A.RandomRotate90(p=1)], p=p)]
    ts += [build(n, p=p) for n in ("Affine", "Rotate", "Perspective") if n in A.TRANSFORMS]
    return A.Compose(
        ts,
        bbox_params=A.BboxParams(format="pascal_voc"),
        keypoint_params=A.KeypointParams(format="xyas"),
        seed=seed,
    )


def run(pipe: A.Compose, n: int = 6) -> list[dict[str, Any]]:
    return [pipe(image=IMG, mask=MASK, bboxes=BOXES, keypoints=KPS) for _ in range(n)]


def digest(outs: list[dict[str, Any]]) -> str:
    h = hashlib.sha256()
    for out in outs:
        for key in sorted(out):
            v = np.asarray(out[key])
            h.update(key.encode())
            h.update(str((v.dtype, v.shape)).encode())
            h.update(np.ascontiguousarray(np.round(v, 6) if v.dtype.kind == "f" else v).tobytes())
    return h.hexdigest()


# ----------------------------------------------------------------------------- seeds
def test_same_seed_same_result_in_fresh_pipelines():
    a, b = digest(run(make_pipeline(7))), digest(run(make_pipeline(7)))
    assert a == b
    assert digest(run(make_pipeline(8))) != a


def test_set_random_seed_restarts_the_stream():
    pipe = make_pipeline(7)
    first = digest(run(pipe))
    assert digest(run(pipe)) != first  # the stream moves on
    pipe.set_random_seed(7)
    assert digest(run(pipe)) == first


def test_unseeded_pipelines_differ():
    assert digest(run(make_pipeline(None))) != digest(run(make_pipeline(None)))


SCRIPT = f"""
import sys
sys.path.insert(0, {str(TESTS)!r})
from test_seed_and_backends import digest, make_pipeline, run
print(digest(run(make_pipeline(11))))
"""


@pytest.mark.slow
def test_same_seed_same_result_across_processes():
    procs = [
        subprocess.Popen([sys.executable, "-c", SCRIPT], stdout=subprocess.PIPE, text=True) for _ in range(2)
    ]
    hashes = [proc.communicate(timeout=120)[0].strip() for proc in procs]
    assert all(proc.returncode == 0 for proc in procs)
    assert len(hashes[0]) == 64 and hashes[0] == hashes[1]
    assert hashes[0] == digest(run(make_pipeline(11)))


def test_pickled_pipeline_works():
    pipe = make_pipeline(5)
    copy = pickle.loads(pickle.dumps(pipe))
    assert repr(copy) == repr(pipe)
    assert digest(run(copy)) == digest(run(make_pipeline(5)))
    single = pickle.loads(pickle.dumps(A.HorizontalFlip(p=1)))
    np.testing.assert_array_equal(single(image=IMG)["image"], IMG[:, ::-1])


# ----------------------------------------------------------------------------- worker processes
def _install_fake_torch_worker(worker_id: int) -> None:
    """Make ``torch.utils.data.get_worker_info()`` report ``worker_id`` (torch is not needed)."""
    mod = types.ModuleType("torch.utils.data")
    mod.get_worker_info = lambda: types.SimpleNamespace(id=worker_id, num_workers=2)
    sys.modules["torch.utils.data"] = mod


def _worker(pipe: A.Compose, queue: Any, tag: int, worker_id: int | None) -> None:
    if worker_id is not None:
        _install_fake_torch_worker(worker_id)
    queue.put((tag, os.getpid(), digest(run(pipe, 8))))


def _run_workers(method: str, pipe: A.Compose, worker_ids: list[int | None]) -> dict[int, str]:
    ctx = mp.get_context(method)
    queue = ctx.Queue()
    procs = [ctx.Process(target=_worker, args=(pipe, queue, i, wid)) for i, wid in enumerate(worker_ids)]
    for proc in procs:
        proc.start()
    results = {}
    for _ in procs:
        tag, pid, h = queue.get(timeout=120)
        assert pid != os.getpid()
        results[tag] = h
    for proc in procs:
        proc.join(timeout=60)
        assert proc.exitcode == 0
    return results


METHODS = [m for m in ("fork", "spawn") if m in mp.get_all_start_methods()]


@pytest.mark.slow
@pytest.mark.parametrize("method", METHODS)
def test_workers_get_distinct_streams(method):
    """A seeded pipeline copied into worker processes does not repeat the same draws in each."""
    pipe = make_pipeline(3)
    parent = digest(run(make_pipeline(3), 8))
    got = _run_workers(method, pipe, [None, None])
    assert got[0] != got[1], "two workers repeated the same draws"
    assert parent not in got.values(), "a worker repeated the parent's draws"
    # the parent's own stream is unaffected by the workers
    assert digest(run(pipe, 8)) == parent


@pytest.mark.slow
def test_dataloader_worker_streams_are_reproducible():
    """With a DataLoader worker id (faked here), each worker's stream depends only on (seed, id):
    the same per worker on a re-run, whatever the start method."""
    first = _run_workers(METHODS[0], make_pipeline(3), [0, 1])
    assert first[0] != first[1]
    assert digest(run(make_pipeline(3), 8)) not in first.values()
    for method in METHODS:
        assert _run_workers(method, make_pipeline(3), [0, 1]) == first, method


# ----------------------------------------------------------------------------- array types
def test_numpy_in_numpy_out():
    pipe = make_pipeline(1, p=1.0)
    pipe.add_targets({"image2": "image"})
    out = pipe(image=IMG, image2=IMG, mask=MASK, masks=np.stack([MASK, MASK]), bboxes=BOXES, keypoints=KPS)
    for key in ("image", "image2", "mask", "masks", "bboxes", "keypoints"):
        assert type(out[key]) is np.ndarray, key
    assert out["image"].dtype == np.uint8 and out["mask"].dtype == np.uint8
    batch = make_pipeline(1, p=1.0).batch(
        images=np.stack([IMG, IMG]), masks=np.stack([MASK, MASK]), bboxes=[BOXES, BOXES], keypoints=[KPS, KPS]
    )
    assert type(batch["images"]) is np.ndarray and type(batch["masks"]) is np.ndarray
    assert all(type(b) is np.ndarray for b in batch["bboxes"] + batch["keypoints"])


def _to_np(a: Any) -> np.ndarray:
    return np.asarray(a)


def test_array_api_strict_in_strict_out():
    """Pixel + affine transforms run on the generic kernels and return the caller's array type."""
    strict = dict(
        image=xps.asarray(IMG), mask=xps.asarray(MASK), bboxes=xps.asarray(BOXES), keypoints=xps.asarray(KPS)
    )
    for seed in range(3):
        out = make_pipeline(seed, p=0.7)(**strict)
        ref = make_pipeline(seed, p=0.7)(image=IMG, mask=MASK, bboxes=BOXES, keypoints=KPS)
        for key in strict:
            assert type(out[key]) is type(strict[key]), key
            assert _to_np(out[key]).shape == ref[key].shape, key
        assert out["image"].dtype == xps.uint8 and out["mask"].dtype == xps.uint8
        # the draws are made on the host: geometry is identical on every backend
        np.testing.assert_allclose(_to_np(out["bboxes"]), ref["bboxes"], atol=1e-6)
        np.testing.assert_allclose(_to_np(out["keypoints"]), ref["keypoints"], atol=1e-6)
        # each step agrees up to rounding, run on the same input with both array types (over the
        # whole chain of ~60 steps, thresholds such as Posterize's and JPEG's blocks amplify a one-level
        # difference, so the end results are not compared)
        pipe = make_pipeline(seed, p=0.7)
        pipe.save_applied_params = True
        steps = pipe(image=IMG, mask=MASK, bboxes=BOXES, keypoints=KPS)["applied_transforms"]
        assert len(steps) > 30
        x = IMG
        for step in steps:
            ours = pipe.replay([step], image=x)["image"]
            theirs = _to_np(pipe.replay([step], image=xps.asarray(x))["image"])
            diff = np.abs(theirs.astype(int) - ours.astype(int))
            assert diff.mean() < 0.5, (step["transform"], diff.mean())
            x = ours


def test_array_api_strict_exact_geometry_matches_numpy():
    pipe = [
        A.HorizontalFlip(p=0.5),
        A.VerticalFlip(p=0.5),
        A.Transpose(p=0.5),
        A.D4(p=1),
        A.RandomRotate90(p=1),
    ]
    if "Crop" in A.TRANSFORMS:
        pipe.append(A.Crop(**EXAMPLES["Crop"]))
    for seed in range(6):
        out = A.Compose(pipe, seed=seed)(image=xps.asarray(IMG), mask=xps.asarray(MASK))
        ref = A.Compose(pipe, seed=seed)(image=IMG, mask=MASK)
        np.testing.assert_array_equal(_to_np(out["image"]), ref["image"])
        np.testing.assert_array_equal(_to_np(out["mask"]), ref["mask"])
        batch = A.Compose(pipe, seed=seed).batch(images=xps.asarray(np.stack([IMG, IMG[::-1]])))["images"]
        ref_b = A.Compose(pipe, seed=seed).batch(images=np.stack([IMG, IMG[::-1]]))["images"]
        assert type(batch) is type(xps.asarray(IMG))
        np.testing.assert_array_equal(_to_np(batch), ref_b)


CUPY_SCRIPT = f"""
import importlib.util
import sys
sys.path.insert(0, {str(TESTS)!r})
import numpy as np
import xalbu as A
from test_contract import build, full_inputs, pipeline
has_torch = importlib.util.find_spec("torch") is not None
ran = []
for name in sorted(A.TRANSFORMS):
    if A.TRANSFORMS[name].kind == "format" and not has_torch:
        continue  # ToTensorV2 makes torch tensors
    if A.TRANSFORMS[name].kind == "volume":
        continue  # 3-D transforms take volumes: tests/families/_volume_contract.py checks them
    pipeline(build(name))(**full_inputs("uint8", 3))
    try:
        pipeline(build(name)).batch(images=np.zeros((2, 24, 24, 3), np.uint8))
    except ValueError:  # per-sample sizes in a batch (a documented refusal)
        pass
    ran.append(name)
print(len(ran), "cupy" in sys.modules)
"""


def _runnable_here() -> list[str]:
    """Every transform, less the format ones (torch tensors) when torch is not installed."""
    has_torch = importlib.util.find_spec("torch") is not None
    return [n for n, c in A.TRANSFORMS.items() if (has_torch or c.kind != "format") and c.kind != "volume"]


@pytest.mark.slow
def test_numpy_pipelines_never_import_cupy():
    """Every transform runs on NumPy (once alone, once in a batch) without importing CuPy; with torch
    installed, ToTensorV2 too."""
    out = subprocess.run(
        [sys.executable, "-c", CUPY_SCRIPT], capture_output=True, text=True, check=True
    ).stdout.split()
    assert int(out[0]) == len(_runnable_here()) > 0
    assert out[1] == "False"


def test_draw_integers_stays_below_the_bound():
    """``floor(U * k)`` with the largest U a generator can return (1 - 2**-53) is still k - 1."""
    from xalbu.core import draw

    class Top:  # a generator stand-in that always returns the largest double below 1
        def random(self, n=None):
            u = np.nextafter(1.0, 0.0)
            return u if n is None else np.full(n, u)

    for k in (1, 2, 3, 5, 7, 129, 1000, 2**31 - 1, 2**40 + 3, 2**52 + 1):
        assert draw.integers(Top(), 10, 10 + k, None) == 10 + k - 1
        assert draw.integers(Top(), 10, 10 + k, 3).tolist() == [10 + k - 1] * 3
    assert draw.integers(Top(), 0, np.array([1, 4, 9]), 3).tolist() == [0, 3, 8]


def test_draw_integers_is_uniform():
    from xalbu.core import draw

    g = np.random.default_rng(0)
    counts = np.bincount(draw.integers(g, 0, 7, 70000), minlength=7)
    assert counts.min() > 9500 and counts.max() < 10500  # each 10000 +- ~4.5 sigma
    singles = {draw.integers(g, 3, 6, None) for _ in range(200)}
    assert singles == {3, 4, 5}
