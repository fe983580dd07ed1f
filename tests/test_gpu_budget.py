"""The batch path's budget on CuPy (issue 10, item 4), enforced on the CPU execution harness.

Per ``pipeline.batch(...)`` (and ``replay_batch``) on CuPy arrays:

- device-to-host synchronisations: none while boxes, keypoints and label fields are host
  containers; one per box or keypoint key given as device arrays (all its samples' rows come back
  in one copy);
- no per-sample loop: kernel launches and host-to-device uploads are the same for a batch of 16 as
  for a batch of 64, and so is the number of Python function calls for images and masks. Boxes,
  keypoints and label fields come and go as one container per sample: building those N containers
  costs a few Python calls per sample on the host (no device work, no sync).

Checked for every transform of the catalogue, the README's GPU example, the benchmark's GPU
pipeline (``xalbu.benchmark.gpu.realistic_pipeline``), nested compositions, fused affine steps and
replay. The harness counts what CuPy synchronises on (``cuda_harness/device_array.py``: read-backs,
``bool``/``int``/``float`` of device arrays, boolean-mask indexing, data-dependent output sizes)
and says where each sync was asked for. Skipped only where no C++ compiler exists.
"""

from __future__ import annotations

import gc
import re
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import cuda_harness
import numpy as np
import pytest
from test_contract import DTYPES, NAMES, build, make_image, require_support

import xalbu as A
from xalbu.benchmark.gpu import realistic_pipeline

pytestmark = pytest.mark.skipif(not cuda_harness.available(), reason="no host C++ compiler")

SMALL, LARGE = 16, 64
README = Path(__file__).resolve().parents[1] / "README.md"


@pytest.fixture(scope="module")
def cp():
    with cuda_harness.installed() as module:
        yield module


def _batch(
    cp, n: int, side: int = 32, boxes_on_device: bool = False, rows: bool = True, dtype: str = "uint8"
) -> dict[str, Any]:
    r = np.random.default_rng(n)
    images = make_image(dtype, 3, n, (side, side * n))  # (side, side * n, 3) cut into n samples
    images = np.ascontiguousarray(np.moveaxis(images.reshape(side, n, side, 3), 1, 0))
    arrays = {
        "images": cp.asarray(images),
        "masks": cp.asarray(r.integers(0, 3, (n, side, side), dtype=np.uint8)),
    }
    if not rows:
        return arrays
    boxes = [np.array([[2.0, 3.0, 20.0, 25.0], [5.0, 5.0, 30.0, 12.0]]) for _ in range(n)]
    points = [np.array([[4.0, 5.0], [20.0, 7.0]]) for _ in range(n)]
    if boxes_on_device:
        boxes, points = [cp.asarray(b) for b in boxes], [cp.asarray(k) for k in points]
    return {
        **arrays,
        "bboxes": boxes,
        "labels": [["a", "b"] for _ in range(n)],
        "keypoints": points,
    }


def _with_targets(transforms: list[Any], seed: int = 0, **kw: Any) -> A.Compose:
    return A.Compose(
        transforms,
        bbox_params=A.BboxParams(format="pascal_voc", label_fields=["labels"]),
        keypoint_params=A.KeypointParams(format="xy"),
        seed=seed,
        **kw,
    )


def _python_calls(fn: Callable[[], Any]) -> int:
    calls = 0

    def profile(frame: Any, event: str, arg: Any) -> None:
        nonlocal calls
        if event == "call":
            calls += 1

    gc.disable()  # a collection inside fn would count finalizers' calls: not the code's own
    sys.setprofile(profile)
    try:
        fn()
    finally:
        sys.setprofile(None)
        gc.enable()
    return calls


def _costs(cp, make: Callable[[], A.Compose], data: dict[str, Any], run: str = "batch") -> dict[str, Any]:
    """What one ``make().batch(**data)`` costs: syncs (with their sites), launches, uploads, Python calls."""
    getattr(make(), run)(**data)  # warm: kernels compiled, caches filled
    cp.reset_stats()
    getattr(make(), run)(**data)
    costs = {**cp.STATS, "sites": list(cp.SYNC_SITES)}
    costs["calls"] = _python_calls(lambda: getattr(make(), run)(**data))
    return costs


def _check_budget(
    cp,
    make: Callable[[], A.Compose],
    syncs: int = 0,
    keys: tuple[str, ...] | None = None,
    sizes: tuple[int, int] = (SMALL, LARGE),
    data_syncs: int = 0,
    **kw: Any,
) -> None:
    """Within budget with every target (or ``keys``), and with images and masks alone (where Python
    calls count)."""

    def data(n: int) -> dict[str, Any]:
        every = _batch(cp, n, **kw)
        return every if keys is None else {k: every[k] for k in keys}

    small, large = (_costs(cp, make, data(n)) for n in sizes)
    for costs in (small, large):
        assert costs["to_host"] == syncs + data_syncs, (
            f"{costs['to_host']} device-to-host syncs, budget {syncs + data_syncs}: {costs['sites']}"
        )
    for what in ("launches", "to_device"):
        assert small[what] == large[what], (
            f"{what} grow with the batch size: {small[what]} for {sizes[0]}, {large[what]} for {sizes[1]}"
        )
    small, large = (_costs(cp, make, _batch(cp, n, rows=False, **kw)) for n in sizes)
    assert large["to_host"] == data_syncs, large["sites"]
    # a per-sample loop adds at least one call a sample: sizes[1] - sizes[0] calls or more; what the
    # draws pick (which of a policy's operations run, cache hits) may move a handful either way
    assert abs(large["calls"] - small["calls"]) < sizes[1] - sizes[0], (
        f"calls grow with the batch size: {small['calls']} for {sizes[0]}, {large['calls']} for {sizes[1]}"
    )


# ----------------------------------------------------------------------------- every transform
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", NAMES)
def test_every_transform_batches_without_syncs_or_per_sample_loops(cp, name, dtype):
    require_support(name, dtype, 3)
    # a transform that draws from the data on the host declares its reads (CropNonEmptyMaskIfExists: 1)
    data_syncs = getattr(A.TRANSFORMS[name], "host_syncs", 0)
    try:
        _check_budget(cp, lambda: _with_targets([build(name)]), dtype=dtype, data_syncs=data_syncs)
    except ValueError as e:  # per-sample output sizes cannot share one batch: a clear error is the contract
        if "batch" in str(e) and name in str(e):
            pytest.skip(f"{name} cannot batch these samples (documented)")
        raise


def test_device_boxes_and_keypoints_cost_one_sync_per_key(cp):
    make = realistic_with_targets
    _check_budget(cp, make, syncs=2, boxes_on_device=True)
    out = make().batch(**_batch(cp, 3, boxes_on_device=True))
    assert all(isinstance(b, cp.ndarray) for b in out["bboxes"] + out["keypoints"])


def realistic_with_targets() -> A.Compose:
    return _with_targets(
        [A.HorizontalFlip(), A.Affine(rotate=(-10, 10), p=0.7), A.RandomGamma(p=0.5)], seed=4
    )


def test_the_benchmark_gpu_pipeline(cp):
    _check_budget(cp, lambda: realistic_pipeline(), keys=("images",), sizes=(8, 24))  # 224 x 224 outputs


def test_nested_compositions(cp):
    def make() -> A.Compose:
        return _with_targets(
            [
                A.OneOf([A.HorizontalFlip(p=1), A.VerticalFlip(p=1), A.Transpose(p=1)], p=0.9),
                A.SomeOf([A.RandomGamma(p=1), A.InvertImg(p=1), A.Solarize(p=1)], n=2, p=0.8),
                A.OneOrOther(A.Affine(rotate=(-10, 10), p=1), A.RandomRotate90(p=1)),
                A.Sequential([A.RandomBrightnessContrast(p=0.5), A.Posterize(p=0.5)]),
                A.RandomOrder([A.ChannelShuffle(p=1), A.ToGray(p=0.5)], n=2),
            ],
            seed=1,
        )

    _check_budget(cp, make)


def test_fused_affine_steps(cp):
    def make() -> A.Compose:
        return _with_targets(
            [
                A.HorizontalFlip(),
                A.Affine(rotate=(-10, 10), p=0.7),
                A.RandomResizedCrop(size=(24, 24)),
                A.Normalize(),
            ],
            seed=2,
            fuse_affine=True,
        )

    _check_budget(cp, make)


def test_replay(cp):
    pipe = realistic_with_targets()
    pipe.save_applied_params = True
    for n in (SMALL, LARGE):
        data = _batch(cp, n)
        record = pipe.batch(**data)["applied_transforms"]
        costs = _costs(cp, lambda: pipe, {"record": record, **data}, run="replay_batch")
        assert costs["to_host"] == 0, costs["sites"]


def test_the_readme_gpu_example(cp):
    block = next(
        b for b in re.findall(r"^```python\n(.*?)^```", README.read_text(), re.S | re.M) if "import cupy" in b
    )
    cp.reset_stats()
    scope: dict[str, Any] = {"__name__": "__readme__"}
    exec(compile(block, "README.md GPU example", "exec"), scope)
    assert cp.STATS["to_host"] == 0, cp.SYNC_SITES
    _check_budget(cp, lambda: scope["transform"], keys=("images", "masks", "bboxes", "labels"), sizes=(8, 24))


# ----------------------------------------------------------------------------- the counters themselves
def test_the_counters_see_syncs_and_per_sample_loops(cp):
    """The budget can fail: a kernel that reads a value back, and a transform that loops over samples."""
    x = cp.asarray(np.arange(6.0))
    cp.reset_stats()
    float(x.sum()), x[x > 2], bool(x.max() > 1), cp.nonzero(x)
    assert cp.STATS["to_host"] == 4 and all("test_gpu_budget.py" in s for s in cp.SYNC_SITES)

    def one(img: Any) -> Any:
        return img

    def per_sample(images: Any, **params: Any) -> Any:  # a Python loop over the batch's samples
        return cp.stack([one(x) for x in images])

    with pytest.raises(AssertionError, match="calls grow with the batch size"):
        _check_budget(cp, lambda: _with_targets([A.Lambda(image=per_sample, p=1)]))


@pytest.mark.parametrize("dtype", DTYPES)
def test_brightness_relative_to_the_mean_stays_on_the_device(cp, dtype):
    """``brightness_by_max=False`` shifts by each sample's mean: computed on the device, not read back."""
    _check_budget(
        cp, lambda: _with_targets([A.RandomBrightnessContrast(brightness_by_max=False, p=1)]), dtype=dtype
    )
