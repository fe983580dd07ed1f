"""Helpers shared by the point-wise families' tests (tone, color, dtype): images, kernel calls, and
the checks that run over every kernel or transform of a family (each family file passes its own
cases).

Kernel checks: on NumPy a call dispatches to the numpy_cv2 override, on array_api_strict the
generic kernel runs. Integer rounding is half to even everywhere (``round_cast``).
"""

from __future__ import annotations

import dataclasses
import zlib
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
import xalbu.backends.numpy_cv2  # noqa: F401 - registers the overrides

import xalbu as A
from xalbu.core.kinds import gate_params

DTYPES = ("uint8", "uint16", "float32")
MAXV = {"uint8": 255, "uint16": 65535, "float32": 1.0}


# ------------------------------------------------------------------------------------ kernels
def run(xp: Any, fn: Callable[..., Any], values: Any, dtype: str, *args: Any) -> np.ndarray:
    """Call ``fn`` on ``values`` as an array of ``xp`` and return the result as NumPy."""
    return np.asarray(xp.to_numpy(fn(xp.asarray(np.asarray(values, dtype=dtype)), *args)))


def row(values: list[Any], dtype: str) -> np.ndarray:
    """A ``1 x len x 1`` image (one channel) from a list of pixel values."""
    return np.asarray(values, dtype=dtype).reshape(1, -1, 1)


def random_image(rng: np.random.Generator, dtype: str, shape: tuple[int, ...]) -> np.ndarray:
    if dtype == "float32":
        return rng.uniform(-0.05, 1.05, shape).astype(np.float32)  # a little out of range on purpose
    return rng.integers(0, MAXV[dtype] + 1, shape, dtype=dtype)


def _dt(img: Any) -> str:
    return str(np.dtype(str(img.dtype).split(".")[-1]))


def _ps(rng: np.random.Generator, n: int | None, lo: float, hi: float) -> Any:
    """A per-sample ``(n,)`` parameter for a batch, a Python float for one image."""
    return rng.uniform(lo, hi, n) if n else float(rng.uniform(lo, hi))


# case -> (kernel, args(rng, n, c, dtype), integer tolerance, float rtol/atol)
ParityCase = tuple[Any, Callable[[np.random.Generator, Any, int, str], tuple[Any, ...]], int, float]


# ---------------------------------------------------------------------- contract: every kernel
def check_dtype_shape_and_input_untouched(
    xp, rng, call: Callable[[Any], Any], out_dtype: str | None, dtype: str, shape, expected_shape
) -> None:
    """``call(img)`` has ``expected_shape`` and ``out_dtype`` (None: the input's) and leaves ``img`` alone."""
    host = random_image(rng, dtype, shape)
    img = xp.asarray(host.copy())
    out = np.asarray(xp.to_numpy(call(img)))
    assert out.shape == expected_shape
    assert out.dtype == np.dtype(out_dtype or dtype)
    np.testing.assert_array_equal(np.asarray(xp.to_numpy(img)), host)


def check_batch_per_sample_equals_single(
    xp, rng, values: list[Any], call: Callable[[Any, Any], Any], dtype: str
) -> None:
    """Per-sample ``values`` on a batch of 3 give what each value gives on its sample alone."""
    host = random_image(rng, dtype, (3, 6, 5, 3))
    batch = np.asarray(xp.to_numpy(call(xp.asarray(host), np.asarray(values))))
    for i, v in enumerate(values):
        single = np.asarray(xp.to_numpy(call(xp.asarray(host[i]), v if np.ndim(v) == 0 else np.asarray(v))))
        np.testing.assert_allclose(batch[i], single, rtol=1e-6, atol=1e-6, err_msg=f"sample {i}")


# ------------------------------------------------------------------------------------ parity
def check_override_matches_generic(
    parity_case: ParityCase,
    case: str,
    dtype: str,
    channels: int,
    batch: bool,
    declined: frozenset | set = frozenset(),
    many_off_by_one: frozenset | set = frozenset(),
) -> None:
    """The numpy_cv2 override of a kernel runs (unless ``declined``) and agrees with the generic kernel.

    ``declined``: ``(case, channels)`` / ``(case, dtype)`` pairs the override declines on purpose;
    ``many_off_by_one``: ``(case, dtype)`` pairs where more than 1% of the values may be off by one.
    """
    kern, make_args, int_tol, float_tol = parity_case
    rng = np.random.default_rng(zlib.crc32(f"{case}-{dtype}-{channels}-{batch}".encode()))
    n = 4 if batch else None
    img = random_image(rng, dtype, (n, 19, 23, channels) if n else (19, 23, channels))
    before = img.copy()
    args = make_args(rng, n, channels, dtype)

    impl = kern.overrides["numpy_cv2"]
    direct = impl(img, *args)
    if (case, channels) in declined or (case, dtype) in declined:
        assert direct is NotImplemented
        return
    assert direct is not NotImplemented, "the override declined"
    expected = np.asarray(kern.generic(img, *args))
    got = kern(img, *args)
    np.testing.assert_array_equal(img, before)
    assert isinstance(got, np.ndarray)
    assert got.dtype == expected.dtype and got.shape == expected.shape
    if np.issubdtype(expected.dtype, np.integer):
        diff = np.abs(got.astype(np.int64) - expected.astype(np.int64))
        assert diff.max() <= int_tol, f"max |diff| {diff.max()}"
        if (case, dtype) not in many_off_by_one:
            assert np.count_nonzero(diff) <= max(2, diff.size // 100), "too many off-by-one values"
    else:
        np.testing.assert_allclose(got, expected, rtol=float_tol, atol=float_tol)


def check_numpy_override_is_exact(kern: Any, img: np.ndarray, *args: Any, err_msg: str = "") -> None:
    """The numpy_cv2 override of ``kern`` takes ``(img, *args)`` (does not decline) and gives the
    generic kernel's dtype and values exactly, leaving ``img`` as it was."""
    before = img.copy()
    assert kern.overrides["numpy_cv2"](img, *args) is not NotImplemented, "the override declined"
    got, want = kern(img, *args), np.asarray(kern.generic(img, *args))
    np.testing.assert_array_equal(img, before)
    assert got.dtype == want.dtype
    np.testing.assert_array_equal(got, want, err_msg=err_msg)


def check_non_contiguous_input(rng, cases: list[tuple[Any, tuple[Any, ...]]]) -> None:
    """Each ``(kernel, args)`` handles a strided, non-contiguous uint8 view (within 1 of the generic)."""
    base = random_image(rng, "uint8", (12, 20, 4))
    view = base[:, ::2, :3]
    assert not view.flags.c_contiguous
    for kern, args in cases:
        got, expected = kern(view, *args), np.asarray(kern.generic(view, *args))
        assert np.abs(got.astype(np.float64) - expected).max() <= 1, kern.__name__


# ------------------------------------------------------------------------------------ transforms
def make_image(dtype: str, shape: tuple[int, ...], seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    if dtype == "float32":
        return rng.random(shape, dtype=np.float32)
    return rng.integers(0, MAXV[dtype] + 1, shape, dtype=dtype)


def _run(t: A.BasicTransform, seed: int = 0, **data):
    return A.Compose([t], seed=seed)(**data)


def one(t: A.BasicTransform, img, seed: int = 0):
    return _run(t, seed, image=img)["image"]


def check_invariants(xp, name: str, factory, dtype: str, channels: int) -> None:
    """dtype and shape kept, input untouched, same seed same output, it changes something, p=0 identity."""
    img = make_image(dtype, (5, 7, channels), seed=channels)
    t = factory(channels)
    x = xp.asarray(img)
    if name == "gray_weighted" and channels == 6:
        with pytest.raises(ValueError, match="needs a 3-channel RGB image"):
            one(t, x)
        return
    out = xp.to_numpy(one(t, x, seed=3))
    assert out.dtype == img.dtype and out.shape == img.shape
    np.testing.assert_array_equal(xp.to_numpy(x), img)  # input not modified
    np.testing.assert_array_equal(xp.to_numpy(one(t, xp.asarray(img), seed=3)), out)  # same seed
    if name not in ("shuffle", "gray_weighted", "gray_average", "gray_max") or channels > 1:
        assert not np.array_equal(out, img)  # it did something
    t.p = 0.0
    np.testing.assert_array_equal(xp.to_numpy(one(t, x, seed=3)), img)  # p=0 is identity


def check_hw_stays_hw_and_other_targets_pass_through(factory) -> None:
    img = make_image("uint8", (8, 10))
    mask = (make_image("uint8", (8, 10), 1) % 3).astype(np.uint8)
    boxes = [(1.0, 2.0, 5.0, 6.0), (0.0, 0.0, 10.0, 8.0)]
    points = [(1.5, 2.5), (9.0, 7.0)]
    pipe = A.Compose(
        [factory(1)],
        bbox_params=A.BboxParams(format="pascal_voc", label_fields=["labels"]),
        keypoint_params=A.KeypointParams(format="xy"),
        seed=0,
    )
    out = pipe(image=img, mask=mask, bboxes=boxes, labels=["a", "b"], keypoints=points)
    assert out["image"].shape == (8, 10)
    np.testing.assert_array_equal(out["mask"], mask)
    assert out["bboxes"] == boxes and out["labels"] == ["a", "b"]
    np.testing.assert_allclose(np.array(out["keypoints"]), np.array(points))


def check_identity_parameters_return_the_input_exactly(xp, t, dtype: str) -> None:
    """Samples gated off run with the identity parameters and come back bit for bit."""
    assert t.identity is not None
    img = make_image(dtype, (4, 6, 7, 3))
    img[0, 0, 0] = 0
    img[1, 0, 0] = MAXV[dtype]
    state = A.core.state.State(shape=(6, 7), batch=4, images={"image": xp.asarray(img)})
    params = t.sample_data(np.random.default_rng(0), state)
    gated = gate_params(params, np.array([False, True, False, False]), t.identity)
    out = xp.to_numpy(t.apply_image(xp.asarray(img), gated))
    for i in (0, 2, 3):
        np.testing.assert_array_equal(out[i], img[i])
    assert not np.array_equal(out[1], img[1])


def _item(value, i, n):
    arr = np.asarray(value)
    return arr[i] if arr.ndim >= 1 and arr.shape[0] == n else value


def check_batch_samples_match_single_image_kernel(xp, t, kernel) -> None:
    """Per-sample parameters of a batch: each sample equals ``kernel`` on it with its own parameters."""
    n = 6
    imgs = np.stack([make_image("uint8", (5, 4, 3), seed=s) for s in range(n)])
    state = A.core.state.State(shape=(5, 4), batch=n, images={"image": xp.asarray(imgs)})
    params = t.sample_data(np.random.default_rng(5), state)
    fields = [np.asarray(getattr(params, f.name)) for f in dataclasses.fields(params)]
    varying = [f for f in fields if f.ndim >= 1 and f.shape[0] == n]
    assert any(len({f[i].tobytes() for i in range(n)}) > 1 for f in varying)  # per-sample params differ
    batch_out = xp.to_numpy(t.apply_image(xp.asarray(imgs), params))
    for i in range(n):
        single = {f.name: _item(getattr(params, f.name), i, n) for f in dataclasses.fields(params)}
        expected = xp.to_numpy(kernel(xp.asarray(imgs[i]), type(params)(**single)))
        np.testing.assert_array_equal(batch_out[i], expected)


def check_batch_p_half_leaves_other_samples_unchanged(xp, t, apply, dtype: str) -> None:
    """With p=0.5 in a batch, every sample is either untouched or ``apply``'s output, and both occur."""
    n = 16
    imgs = make_image(dtype, (n, 4, 5, 3), seed=2)
    x = xp.asarray(imgs)
    out = xp.to_numpy(A.Compose([t], seed=1).batch(images=x)["images"])
    np.testing.assert_array_equal(xp.to_numpy(x), imgs)  # input not modified
    changed = xp.to_numpy(apply(x))
    atol = (
        1e-6 if dtype == "float32" else 0
    )  # float pow: a scalar and a per-sample exponent may differ by 1 ulp
    same = [np.array_equal(out[i], imgs[i]) for i in range(n)]
    done = [np.allclose(out[i], changed[i], rtol=0, atol=atol) for i in range(n)]
    assert all(s or d for s, d in zip(same, done, strict=True))
    assert any(s and not d for s, d in zip(same, done, strict=True))
    assert any(d and not s for s, d in zip(same, done, strict=True))


def check_defaults_and_init_args_round_trip(defaults: dict) -> None:
    """Each class's defaults are its ``init_args()``; rebuilding from them gives the same repr."""
    for cls, expected in defaults.items():
        t = cls()
        assert t.init_args() == expected, cls.__name__
        assert repr(type(t)(**t.init_args())) == repr(t)
        assert cls.__name__ in A.TRANSFORMS
