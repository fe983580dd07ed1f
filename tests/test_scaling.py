"""Scaling out (docs/scaling.md): the Ray Data adapter (``xalbu.scaling.RayAugment``) called
directly and inside a local Ray cluster (skips where Ray is not installed: the ``ray`` extra), and
cheap pickles (what travels to every worker, task and rank)."""

from __future__ import annotations

import pickle

import numpy as np
import pytest

import xalbu as A
from xalbu.scaling import RayAugment, batch_seed

N, H, W = 6, 16, 20


def make_pipeline(seed: int | None = 0) -> A.Compose:
    return A.Compose(
        [A.HorizontalFlip(p=0.5), A.Affine(rotate=(-20, 20), p=1.0), A.RandomBrightnessContrast(p=1.0)],
        bbox_params=A.BboxParams(format="pascal_voc", label_fields=["labels"]),
        seed=seed,
    )


def make_batch(first_id: int = 0, n: int = N) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(first_id)
    boxes = np.empty(n, dtype=object)
    labels = np.empty(n, dtype=object)
    for i in range(n):
        k = i % 3  # 0, 1 or 2 boxes per row (ragged)
        boxes[i] = np.array([[1.0 + j, 2.0, 9.0 + j, 12.0] for j in range(k)]).reshape(k, 4)
        labels[i] = np.array([f"r{first_id + i}b{j}" for j in range(k)])
    return {
        "image": rng.integers(0, 256, (n, H, W, 3), dtype=np.uint8),
        "mask": (rng.integers(0, 3, (n, H, W))).astype(np.uint8),
        "boxes": boxes,
        "labels": labels,
        "id": np.arange(first_id, first_id + n),
        "path": np.array([f"img{first_id + i}.jpg" for i in range(n)]),
    }


def adapter(pipe: A.Compose | None = None, **kw) -> RayAugment:
    return RayAugment(
        pipe or make_pipeline(), mask="mask", bboxes="boxes", labels=["labels"], id_column="id", **kw
    )


def test_one_call_per_batch_with_targets_in_sync():
    batch = make_batch()
    out = adapter()(batch)
    assert set(out) == set(batch) and out["image"].shape == batch["image"].shape
    np.testing.assert_array_equal(out["path"], batch["path"])  # other columns pass through
    pipe = make_pipeline()
    pipe.set_random_seed(batch_seed(0, batch["id"]))
    ref = pipe.batch(
        images=batch["image"],
        masks=batch["mask"],
        bboxes=[np.asarray(b, np.float64).reshape(-1, 4) for b in batch["boxes"]],
        labels=[list(v) for v in batch["labels"]],
    )
    np.testing.assert_array_equal(out["image"], ref["images"])
    np.testing.assert_array_equal(out["mask"], ref["masks"])
    for i in range(N):
        np.testing.assert_allclose(
            np.asarray(out["boxes"][i]).reshape(-1, 4), np.asarray(ref["bboxes"][i]).reshape(-1, 4)
        )
        assert list(out["labels"][i]) == list(ref["labels"][i])
        assert len(out["labels"][i]) == len(out["boxes"][i])


def test_streams_follow_the_rows():
    fn = adapter()
    a, b = fn(make_batch(0)), fn(make_batch(0))  # the same rows: the same stream, wherever it runs
    np.testing.assert_array_equal(a["image"], b["image"])
    again = adapter()(make_batch(0))  # another copy (another task or actor)
    np.testing.assert_array_equal(a["image"], again["image"])
    other = make_batch(0)
    other["id"] = other["id"] + 100  # same pixels, other rows: another stream
    assert not np.array_equal(fn(other)["image"], a["image"])
    assert not np.array_equal(adapter(make_pipeline(1))(make_batch(0))["image"], a["image"])  # other seed
    strings = make_batch(0)
    strings["id"] = strings["path"]  # any id column: strings too
    np.testing.assert_array_equal(adapter()(strings)["image"], adapter()(strings)["image"])


def test_without_ids_the_pipeline_stream_runs():
    pipe = make_pipeline(3)
    fn = RayAugment(pipe)
    first, second = fn(make_batch()), fn(make_batch())
    assert not np.array_equal(first["image"], second["image"])
    np.testing.assert_array_equal(
        first["image"], make_pipeline(3).batch(images=make_batch()["image"])["images"]
    )
    assert pipe.seed == 3  # the user's pipeline is not touched


def test_bad_arguments():
    with pytest.raises(TypeError, match="pipeline"):
        RayAugment(A.HorizontalFlip())
    with pytest.raises(ValueError, match="seed"):
        RayAugment(make_pipeline(None), id_column="id")
    with pytest.raises(ValueError, match="device"):
        RayAugment(make_pipeline(), device="gpu")
    with pytest.raises(TypeError, match="labels"):
        RayAugment(make_pipeline(), labels="labels")
    with pytest.raises(TypeError, match="mask"):
        RayAugment(make_pipeline(), mask=3)
    with pytest.raises(KeyError, match="'pixels'"):
        RayAugment(make_pipeline(), image="pixels")(make_batch())


def test_cuda_device_path(cupy):
    """device="cuda": CuPy arrays on the device, NumPy columns back; the CPU's pixels within the
    CPU<->GPU tolerance (uint8 +-1, masks 99 % identical, boxes exact)."""
    batch = make_batch()
    got = adapter(device="cuda")(batch)
    ref = adapter()(batch)
    assert isinstance(got["image"], np.ndarray)
    np.testing.assert_allclose(got["image"].astype(int), ref["image"].astype(int), atol=1)
    assert np.mean(got["mask"] != ref["mask"]) < 0.01  # nearest ties at exact halves (CPU<->GPU tolerance)
    for i in range(N):
        np.testing.assert_allclose(
            np.asarray(got["boxes"][i], float), np.asarray(ref["boxes"][i], float), atol=1e-6
        )


# ----------------------------------------------------------------------------- a local Ray cluster
@pytest.fixture(scope="module")
def ray_local():
    ray = pytest.importorskip("ray")
    pytest.importorskip("ray.data")
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, ignore_reinit_error=True)
    try:
        yield ray
    finally:
        ray.shutdown()


@pytest.mark.timeout(300)
def test_ray_data_map_batches(ray_local):
    ray = ray_local
    full = make_batch(0, 12)
    rows = [{k: v[i] for k, v in full.items()} for i in range(12)]

    def run() -> list[dict]:
        ds = ray.data.from_items(rows, override_num_blocks=3)
        ds = ds.map_batches(adapter(), batch_format="numpy", batch_size=4)
        return sorted(ds.take_all(), key=lambda r: int(r["id"]))

    first, second = run(), run()
    for a, b in zip(first, second, strict=True):  # reproducible from the seed
        np.testing.assert_array_equal(a["image"], b["image"])
    # each batch of 4 rows got the stream of its ids: what the adapter gives on those rows directly
    for start in range(0, 12, 4):
        direct = adapter()({k: v[start : start + 4] for k, v in full.items()})
        for i in range(4):
            np.testing.assert_array_equal(first[start + i]["image"], direct["image"][i])
            assert list(first[start + i]["labels"]) == list(direct["labels"][i])
    assert len({r["image"].tobytes() for r in first}) == 12  # no two rows share a draw


# ----------------------------------------------------------------------------- pickles stay small
README_PIPELINES = {
    "classification": lambda: A.Compose(
        [
            A.RandomResizedCrop(size=(224, 224), scale=(0.5, 1.0)),
            A.HorizontalFlip(p=0.5),
            A.ColorJitter(p=0.8),
            A.Normalize(),
        ],
        seed=0,
    ),
    "detection": lambda: A.Compose(
        [A.HorizontalFlip(p=0.5), A.Affine(rotate=(-10, 10), p=0.5), A.RandomBrightnessContrast(p=0.5)],
        bbox_params=A.BboxParams(format="coco", label_fields=["labels"]),
        seed=0,
    ),
    "segmentation": lambda: A.Compose(
        [A.RandomCrop(64, 64), A.ElasticTransform(p=0.5), A.CLAHE(p=0.5), A.GaussNoise(p=0.5)], seed=0
    ),
}


@pytest.mark.parametrize("name", sorted(README_PIPELINES))
def test_pickles_are_small_and_carry_no_caches(name):
    """A pipeline's pickle is a few kB and does not grow once the pipeline has run (its LUTs, kernel
    tables and scratch buffers are rebuilt lazily where it is unpickled), and the copy works."""
    pipe = README_PIPELINES[name]()
    before = len(pickle.dumps(pipe))
    img = np.random.default_rng(0).integers(0, 256, (96, 128, 3), dtype=np.uint8)
    kwargs = {"bboxes": np.array([[4.0, 5.0, 30.0, 40.0]]), "labels": ["a"]} if name == "detection" else {}
    for _ in range(3):
        pipe(image=img, **kwargs)
    after = len(pickle.dumps(pipe))
    assert before < 4096, f"{name}: {before} bytes"
    assert after <= before + 64, f"{name}: {before} -> {after} bytes after use"
    copy = pickle.loads(pickle.dumps(pipe))
    assert copy(image=img, **kwargs)["image"].shape == pipe(image=img, **kwargs)["image"].shape


def _readme_pipelines() -> dict[str, A.Compose]:
    """The pipelines the README's Python blocks build (blocks needing CuPy or torch left out), after
    the blocks ran them."""
    import re
    from pathlib import Path

    text = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    found = {}
    for i, code in enumerate(re.findall(r"^```python\n(.*?)^```", text, re.S | re.M)):
        if re.search(r"^\s*(import (cupy|torch)|from (cupy|torch))", code, re.M):
            continue
        space: dict = {"__name__": "__readme__"}
        exec(compile(code, f"README.md python block {i}", "exec"), space)
        for key, value in space.items():
            # a class defined in the block itself (the custom-transform example) has no importable
            # module to pickle by reference: Python's rule, not a size question
            if isinstance(value, A.Compose) and "__readme__" not in repr([type(t) for t in value.transforms]):
                found[f"block {i}: {key}"] = value
    return found


def test_readme_pipelines_pickle_small(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)  # blocks may write files
    pipes = _readme_pipelines()
    assert len(pipes) >= 4
    sizes = {name: len(pickle.dumps(p)) for name, p in pipes.items()}
    assert max(sizes.values()) < 4096, sizes
