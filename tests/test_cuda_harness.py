"""The CUDA code of ``backends/cupy`` run on the CPU harness (``tests/cuda_harness``), without a GPU.

First the harness itself (grids, argument checks, ElementwiseKernel, isolation), then parity of the
backend's unmodified overrides with the generic kernels: ``warp`` for every dtype of ``WARP_TYPES``
x interpolation x border x layout (single image / shared / per-sample matrices and fills), and the
lookup-table overrides. Tolerances: exact for nearest, for identity and integer-shift matrices,
for bool and for the lookup tables; otherwise float32 1e-4, uint16/int16 8 (``TOL`` of
``tests/families/_spatial.py``), other integers 1 level. Skipped only where no C++ compiler exists.
"""

from __future__ import annotations

import sys
import zlib

import cuda_harness
import numpy as np
import pytest
from cuda_harness import HarnessError
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from xalbu.core import dispatch
from xalbu.functional import affine as G
from xalbu.functional import dtype as D
from xalbu.functional import tone as P

pytestmark = pytest.mark.skipif(not cuda_harness.available(), reason="no host C++ compiler")

WARP_DTYPES = ["uint8", "uint16", "float32", "int8", "int16", "int32", "int64", "uint32", "bool"]
LAYOUTS = ["hwc", "shared", "per_sample"]


def test_installing_the_harness_leaves_nothing_behind():
    dispatch.backend_name(np.ndarray)  # the harness loads the CPU backend first (it must stay registered)
    before = (
        "cupy" in sys.modules,
        dict(G.warp.overrides),
        set(dispatch._LOADED),
        dict(dispatch._TYPE_BACKEND),
    )
    with cuda_harness.installed() as cp:
        import cupy

        assert cupy is cp
        assert G.warp(cp.zeros((2, 2, 1), np.uint8), np.eye(3), (2, 2), 0, 0, 0).shape == (2, 2, 1)
        assert "cupy" in G.warp.overrides and "xalbu.backends.cupy" in sys.modules
    after = (
        "cupy" in sys.modules,
        dict(G.warp.overrides),
        set(dispatch._LOADED),
        dict(dispatch._TYPE_BACKEND),
    )
    assert after == before
    assert not any(k.startswith("xalbu.backends.cupy") for k in sys.modules)


@pytest.fixture(scope="module")
def cp():
    with cuda_harness.installed() as module:
        yield module


# ----------------------------------------------------------------------------- the harness itself
GRID_2D = """
extern "C" __global__ void coords(int* out, int w, int h, float scale) {
    int x = blockIdx.x * blockDim.x + threadIdx.x;
    int y = blockIdx.y * blockDim.y + threadIdx.y;
    if (x < w && y < h) out[y * w + x] = (int)(scale * (y * 1000 + x)) + (int)gridDim.x * 1000000;
}
template <typename T>
__global__ void fma_free(const T* a, const T* b, const T* c, T* out, long long n) {
    long long i = (long long)blockIdx.x * blockDim.x + threadIdx.x;
    if (i < n) out[i] = a[i] * b[i] + c[i];
}
"""


def test_a_2d_grid_visits_every_thread_once(cp):
    module = cp.RawModule(code=GRID_2D, options=("--std=c++14",), name_expressions=["fma_free<float>"])
    out = cp.zeros((10, 13), np.int32)
    module.get_function("coords")((4, 3), (4, 4), (out, np.int32(13), np.int32(10), np.float32(2)))
    y, x = np.mgrid[0:10, 0:13]
    np.testing.assert_array_equal(cp.asnumpy(out), 2 * (y * 1000 + x) + 4_000_000)


def test_float_arithmetic_is_not_contracted(cp):
    rng = np.random.default_rng(5)
    a, b, c = (rng.standard_normal(4096).astype(np.float32) for _ in range(3))
    module = cp.RawModule(code=GRID_2D, name_expressions=["fma_free<float>"])
    out = cp.empty(4096, np.float32)
    module.get_function("fma_free<float>")((16,), (256,), (*map(cp.asarray, (a, b, c)), out, np.int64(4096)))
    np.testing.assert_array_equal(cp.asnumpy(out), a * b + c)  # NumPy rounds the product first


@pytest.mark.parametrize(
    "args, message",
    [
        (lambda cp, o: (o, np.int32(13), np.int32(10)), "takes 4 arguments, got 3"),
        (lambda cp, o: (o, np.int64(13), np.int32(10), np.float32(1)), "needs a int32"),
        (lambda cp, o: (o, 13, np.int32(10), np.float32(1)), "needs a int32"),
        (lambda cp, o: (o, np.int32(13), np.int32(10), 1.0), "needs a float32"),
        (
            lambda cp, o: (cp.zeros(130, np.float32), np.int32(13), np.int32(10), np.float32(1)),
            "points to int32",
        ),
        (lambda cp, o: (np.zeros(130, np.int32), np.int32(13), np.int32(10), np.float32(1)), "device array"),
        (lambda cp, o: (o, o, np.int32(10), np.float32(1)), "is a scalar"),
        (lambda cp, o: [o, np.int32(13), np.int32(10), np.float32(1)], "must be a tuple"),
    ],
)
def test_kernel_arguments_are_checked_against_the_signature(cp, args, message):
    kernel = cp.RawModule(code=GRID_2D).get_function("coords")
    with pytest.raises(HarnessError, match=message):
        kernel((4, 3), (4, 4), args(cp, cp.zeros(130, np.int32)))


def test_launch_limits_and_names_are_checked(cp):
    module = cp.RawModule(code=GRID_2D, name_expressions=["fma_free<double>"])
    args = (cp.zeros(130, np.int32), np.int32(13), np.int32(10), np.float32(1))
    with pytest.raises(HarnessError, match="1024 threads"):
        module.get_function("coords")((1,), (2048,), args)
    with pytest.raises(HarnessError, match="not a name expression"):
        module.get_function("fma_free<float>")
    with pytest.raises(HarnessError, match="no __global__ function"):
        cp.RawModule(code=GRID_2D, name_expressions=["nope<int>"])


def test_elementwise_kernel_types_raw_params_and_outputs(cp):
    k = cp.ElementwiseKernel("T x, raw U table, int32 k", "U y", "y = table[(x + k) % 4] + (U)i;", "ew_test")
    x = cp.asarray(np.arange(6, dtype=np.uint8).reshape(2, 3))
    table = cp.asarray(np.array([10, 20, 30, 40], np.float64))
    got = k(x, table, np.int32(1))
    assert got.dtype == np.float64 and got.shape == (2, 3)
    np.testing.assert_array_equal(cp.asnumpy(got), np.array([20, 31, 42, 13, 24, 35]).reshape(2, 3))
    out = cp.empty((2, 3), np.float32)
    with pytest.raises(HarnessError, match="U is both"):
        k(x, table, np.int32(1), out)
    with pytest.raises(HarnessError, match="host NumPy array"):
        k(np.zeros(3, np.uint8), table, np.int32(1))


# ----------------------------------------------------------------------------- warp parity
def _image(rng, dtype, shape):
    if dtype == "float32":
        return rng.random(shape, dtype=np.float32)
    if dtype == "bool":
        return rng.random(shape) < 0.5
    info = np.iinfo(dtype)
    return rng.integers(info.min, info.max, shape, dtype=dtype, endpoint=True)


def _tolerance(dtype, interp, matrix_kind):
    if interp == 0 or dtype == "bool" or matrix_kind in ("identity", "shift"):
        return 0
    return {"float32": 1e-4, "uint16": 8, "int16": 8}.get(dtype, 1)


def _warp_case(rng, dtype, interp, border, layout, matrix_kind="rotate", fill=None, hw=(9, 11), c=3):
    """(input, matrix, fill) for one parity case; batch of 3 unless ``layout == 'hwc'``."""
    img = _image(rng, dtype, (3, *hw, c))
    if matrix_kind == "rotate":
        angle = np.deg2rad(rng.uniform(-40, 40, 3))
        m = np.tile(np.eye(3), (3, 1, 1))
        m[:, 0, 0] = m[:, 1, 1] = np.cos(angle) * 1.1
        m[:, 0, 1], m[:, 1, 0] = np.sin(angle), -np.sin(angle)
        m[:, :2, 2] = rng.uniform(-4, 4, (3, 2))
    elif matrix_kind == "perspective":
        m = np.tile([[1.0, 0.1, 2.0], [0.05, 0.9, 1.0], [0.001, 0.002, 1.0]], (3, 1, 1))
        m[:, 2, :2] *= rng.uniform(-3, 3, (3, 2))
    else:
        m = np.tile(np.eye(3), (3, 1, 1))
        if matrix_kind == "shift":
            m[:, :2, 2] = rng.integers(-5, 6, (3, 2))
    if fill is None:
        per = rng.integers(0, 2 if dtype == "bool" else 10, (3, c)).astype(np.float64)
        fill = per / 9 if dtype == "float32" else per
    elif np.isscalar(fill):
        fill = np.full((3, c), fill, np.float64)
    if layout == "per_sample":
        return img, m, fill
    shared_fill = tuple(float(f) for f in fill[0])
    return (img[0] if layout == "hwc" else img), m[0], shared_fill


def _check_warp(cp, img, m, interp, border, fill, tol, out_hw=(10, 12)):
    expected = G.warp.generic(img, m, out_hw, interp, border, fill)
    got = G.warp(cp.asarray(img), m, out_hw, interp, border, fill)
    assert isinstance(got, cp.ndarray) and got.dtype == img.dtype and got.shape == expected.shape
    diff = np.abs(cp.asnumpy(got).astype(np.float64) - expected.astype(np.float64))
    assert diff.max(initial=0) <= tol, f"max |diff| {diff.max()} > {tol} at {np.argwhere(diff > tol)[:5]}"


def _seed(*key):
    return np.random.default_rng(zlib.crc32(repr(key).encode()))


@pytest.mark.parity.with_args("cupy", G.warp)
@pytest.mark.filterwarnings("ignore:invalid value encountered in cast")
@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("border", [0, 1, 2, 3, 4])
@pytest.mark.parametrize("interp", [0, 1, 2])
@pytest.mark.parametrize("dtype", WARP_DTYPES)
def test_warp_matches_generic(cp, dtype, interp, border, layout):
    if dtype == "bool" and interp:
        img = cp.zeros((4, 4, 1), np.bool_)
        assert G.warp.overrides["cupy"](img, np.eye(3), (4, 4), interp, border, 0) is NotImplemented
        return
    kind = "perspective" if layout == "hwc" else "rotate"
    img, m, fill = _warp_case(_seed(dtype, interp, border, layout), dtype, interp, border, layout, kind)
    _check_warp(cp, img, m, interp, border, fill, _tolerance(dtype, interp, kind))


@pytest.mark.parity.with_args("cupy", G.warp)
@pytest.mark.parametrize("matrix_kind", ["identity", "shift"])
@pytest.mark.parametrize("border", [0, 1, 2, 3, 4])
@pytest.mark.parametrize("interp", [0, 1, 2])
@pytest.mark.parametrize("dtype", [d for d in WARP_DTYPES if d != "bool"])
def test_warp_integer_shifts_are_exact(cp, dtype, interp, border, matrix_kind):
    img, m, fill = _warp_case(
        _seed(dtype, interp, border, matrix_kind), dtype, interp, border, "per_sample", matrix_kind
    )
    _check_warp(cp, img, m, interp, border, fill, 0)


FILL_CASES = [
    ("uint8", 300),
    ("uint8", -7),
    ("uint8", 127.4),
    ("uint8", 127.5),
    ("uint16", 70000),
    ("int8", -200),
    ("int32", 2**24 + 1),
    ("int64", 2**40 + 1),
    ("float32", 1.5),
    ("float32", -0.25),
]


@pytest.mark.parity.with_args("cupy", G.warp)
@pytest.mark.parametrize("interp", [0, 1, 2])
@pytest.mark.parametrize("dtype, fill", FILL_CASES)
def test_warp_adversarial_fills(cp, dtype, fill, interp):
    """Issue 10 1b: fills outside the dtype's range, fractional, and past float32's integers are
    rounded and saturated to the image dtype as the generic kernel does (they were uploaded raw)."""
    rng = _seed(dtype, fill, interp)
    img = _image(rng, dtype, (2, 9, 11, 2))
    img = img if dtype == "float32" else img // 3
    m = np.array([[np.cos(0.3), np.sin(0.3), 1.5], [-np.sin(0.3), np.cos(0.3), -2.2], [0, 0, 1]])
    _check_warp(cp, img, m, interp, 0, fill, 0)  # bit-exact: the same float32 arithmetic, in order


@pytest.mark.parity.with_args("cupy", G.warp)
@pytest.mark.parametrize("interp", [0, 1, 2])
@pytest.mark.parametrize("border", [0, 1, 2, 3, 4])
def test_warp_degenerate_inputs(cp, interp, border):
    rng = _seed("degenerate", interp, border)
    tol = _tolerance("uint8", interp, "rotate")
    one = _image(rng, "uint8", (1, 1, 1, 1))  # a 1-pixel image
    _check_warp(cp, one, np.eye(3), interp, border, 7, tol, out_hw=(3, 4))
    img = _image(rng, "uint8", (2, 5, 6, 4))
    huge = np.array([[[1e9, 0, 0], [0, 1e-9, 0], [0, 0, 1]], [[1, 0, 3e7], [0, 1, -3e7], [0, 0, 1]]])
    _check_warp(cp, img, huge, interp, border, np.array([[1, 2, 3, 4], [5, 6, 7, 8]]), tol)
    near_singular = np.array([[1.0, 1.0, 0.0], [1.0, 1.0 + 1e-7, 0.0], [0.0, 0.0, 1.0]])
    _check_warp(cp, img[:1], near_singular, interp, border, 9, tol)


@st.composite
def _adversarial_warps(draw):
    """A warp case drawn to break things: 1-pixel to small images and outputs, a batch or one HWC
    image, per-sample or shared matrices (affine with extreme or near-singular scales, projective),
    per-sample fills that are fractional, negative or past the dtype's range."""
    dtype = draw(st.sampled_from(WARP_DTYPES))
    interp = 0 if dtype == "bool" else draw(st.sampled_from([0, 1, 2]))
    border = draw(st.sampled_from([0, 1, 2, 3, 4]))
    n = draw(st.sampled_from([None, 1, 3]))  # None: one HWC image
    h, w, ho, wo = (draw(st.integers(1, 7)) for _ in range(4))
    c = draw(st.integers(1, 4))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    img = _image(rng, dtype, (n or 1, h, w, c))
    img = img[0] if n is None else img
    k = 1 if n is None or draw(st.booleans()) else n
    scale = 10.0 ** draw(st.floats(-6, 6))
    m = np.tile(np.eye(3), (k, 1, 1))
    m[:, :2, :2] = rng.normal(size=(k, 2, 2)) * scale
    if draw(st.booleans()):  # near-singular: the second row almost a multiple of the first
        m[:, 1, :2] = m[:, 0, :2] * rng.normal() + 1e-7 * scale
    m[:, :2, 2] = rng.normal(size=(k, 2)) * draw(st.sampled_from([1.0, 10.0, 1e4]))
    if draw(st.booleans()):
        m[:, 2, :2] = rng.normal(size=(k, 2)) * 10.0 ** draw(st.floats(-4, 0))
    fills = rng.normal(size=(n or 1, c)) * draw(st.sampled_from([0.5, 300.0, 1e5, 1e10]))
    fill = fills if n is not None else tuple(fills[0].tolist())
    return img, m[0] if k == 1 else m, interp, border, fill, (ho, wo), dtype


@pytest.mark.parity.with_args("cupy", G.warp)
@pytest.mark.filterwarnings("ignore:invalid value encountered")
@pytest.mark.filterwarnings("ignore:overflow encountered")
@settings(max_examples=300, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
@given(case=_adversarial_warps())
def test_warp_property_adversarial_inputs(cp, case):
    """Property (hypothesis, derandomized): the CUDA warp agrees with the generic kernel within the
    stated tolerance on any drawn case, exactly where the tests promise exact."""
    img, m, interp, border, fill, out_hw, dtype = case
    try:
        np.linalg.inv(m)
    except np.linalg.LinAlgError:
        assume(False)
    tol = _tolerance(dtype, interp, "rotate")
    _check_warp(cp, img, m, interp, border, fill, tol, out_hw=out_hw)


MUTATIONS = [
    ("p - 1 - k", "p - k", 0, 2),  # reflect folds like reflect_101
    ("const float a = -0.75f;", "const float a = -0.5f;", 2, 1),  # another cubic
    ("floorf(u + 0.5f)", "floorf(u)", 0, 1),  # nearest reads the wrong pixel
]


@pytest.mark.parametrize("old, new, interp, border", MUTATIONS)
def test_the_parity_check_catches_a_broken_kernel(cp, monkeypatch, old, new, interp, border):
    from xalbu.backends.cupy import affine, kernels

    source = kernels.source("warp.cu")
    assert old in source
    names = [f"warp<{t}>" for t in kernels.WARP_TYPES.values()]
    module = cp.RawModule(code=source.replace(old, new), name_expressions=names)
    monkeypatch.setattr(
        affine, "warp_kernel", lambda name: module.get_function(f"warp<{kernels.WARP_TYPES[name]}>")
    )
    img, m, fill = _warp_case(_seed("mutant", interp), "uint8", interp, border, "per_sample")
    with pytest.raises(AssertionError, match="max"):
        _check_warp(cp, img, m, interp, border, fill, _tolerance("uint8", interp, "rotate"))


# ----------------------------------------------------------------------------- lookup tables
LUT_CASES = [
    (P.gamma, (np.array([0.5, 1.0, 2.0]),), (0.7,)),
    (P.invert, (), ()),
    (P.solarize, (np.array([0.2, 0.5, 1.1]),), (0.5,)),
    (P.posterize, (np.array([1, 4, 8]),), (3,)),
    (P.brightness_contrast, (np.array([0.8, 1.0, 1.3]), np.array([-0.1, 0.0, 0.2]), True), (1.2, 0.1, True)),
    (P.multiply_add, (np.array([0.8, 1.0, 1.3]), np.array([-20.0, 0.0, 30.0])), (1.5, -3.0)),
    (D.normalize, ((0.485, 0.456, 0.406), (0.229, 0.224, 0.225), 255.0), ((0.5,) * 3, (0.25,) * 3, 255.0)),
]


@pytest.mark.parity.with_args("cupy", *[kernel for kernel, _, _ in LUT_CASES])
@pytest.mark.parametrize("kernel, per_sample, shared", LUT_CASES, ids=lambda v: getattr(v, "__name__", ""))
def test_lut_overrides_match_generic(cp, kernel, per_sample, shared):
    rng = _seed("lut", kernel.__name__)
    for img, args in (
        (_image(rng, "uint8", (3, 9, 11, 3)), per_sample),
        (_image(rng, "uint8", (7, 5, 3)), shared),
    ):
        expected = kernel.generic(img, *args)
        got = kernel(cp.asarray(img), *args)
        assert isinstance(got, cp.ndarray) and got.dtype == expected.dtype
        np.testing.assert_array_equal(cp.asnumpy(got), expected)
    assert kernel.overrides["cupy"](cp.zeros((2, 2, 3), np.float32), *shared) is NotImplemented


def test_brightness_contrast_by_mean_is_declined(cp):
    img = cp.zeros((2, 2, 3), np.uint8)
    assert P.brightness_contrast.overrides["cupy"](img, 1.2, 0.1, False) is NotImplemented


def test_the_lut_parity_check_catches_a_broken_kernel(cp, monkeypatch):
    from xalbu.backends.cupy import _lut

    broken = cp.ElementwiseKernel(
        "T src, raw U lut, int64 plane, int32 C, int64 stride",
        "U dst",
        "long long n = i / plane; int c = 0; dst = lut[n * stride + (long long)src * C + c];",  # channel 0 only
        "xalbu_lut_broken",
    )
    monkeypatch.setattr(_lut, "lut_kernel", lambda: broken)
    with pytest.raises(AssertionError):  # normalize: the case whose tables differ per channel
        test_lut_overrides_match_generic(cp, *LUT_CASES[-1])


# ----------------------------------------------------------------------------- issue 10, 1e
def test_warp_codes_the_kernels_do_not_know_are_refused_by_every_implementation(cp):
    """A code outside OpenCV's five interpolations / five border modes is a ValueError naming the
    argument, in the generic kernel, the OpenCV override and the CUDA override alike (the CUDA
    kernel used to compute something else for it)."""
    img = np.zeros((1, 4, 5, 3), np.uint8)
    for interp, border, name in ((7, 0, "interpolation"), (1, 9, "border_mode"), (True, 0, "interpolation")):
        with pytest.raises(ValueError, match=f"warp: {name}: expected one of"):
            G.warp.generic(img, np.eye(3), (4, 5), interp, border, 0)
        with pytest.raises(ValueError, match=f"warp: {name}: expected one of"):
            G.warp(img, np.eye(3), (4, 5), interp, border, 0)  # NumPy: the OpenCV override
        with pytest.raises(ValueError, match=f"warp: {name}: expected one of"):
            G.warp(cp.asarray(img), np.eye(3), (4, 5), interp, border, 0)  # the CUDA override


def test_warp_module_is_compiled_without_fused_multiply_add(cp, monkeypatch):
    """NVRTC contracts a * b + c into one FMA by default; the generic kernel rounds each step."""
    from xalbu.backends.cupy import kernels

    seen = []
    real = cp.RawModule

    def spy(*args, **kwargs):
        seen.append(tuple(kwargs.get("options", ())))
        return real(*args, **kwargs)

    monkeypatch.setattr(cp, "RawModule", spy)
    kernels.warp_module.cache_clear()
    kernels.warp_kernel.cache_clear()
    try:
        kernels.warp_kernel("uint8")
    finally:
        kernels.warp_module.cache_clear()
        kernels.warp_kernel.cache_clear()
    assert seen and "--fmad=false" in seen[0]


# ----------------------------------------------------------------------------- issue 10, 1a and 1c
class _StubTorch:
    """The few torch calls xalbu's CUDA interop makes, with torch's documented rules: ``from_dlpack``
    refuses arrays with negative strides (DLPack has none); ``cuda.current_stream(device)``."""

    class Tensor:
        def __init__(self, arr: object, device: object = None) -> None:
            self.arr, self.device = arr, device

    class _Device:
        def __init__(self, index: int) -> None:
            self.type, self.index = "cuda", index

    class cuda:  # noqa: N801 - torch's name
        class _Stream:
            cuda_stream = 1234

        @staticmethod
        def current_stream(device: object = None) -> object:
            return _StubTorch.cuda._Stream()

    @staticmethod
    def from_dlpack(arr: object) -> object:
        if arr.ndim and min(arr.strides) < 0:
            raise BufferError("DLPack only supports non-negative strides")  # torch's refusal
        return _StubTorch.Tensor(arr)


@pytest.fixture
def stub_torch(monkeypatch):
    monkeypatch.setitem(sys.modules, "torch", _StubTorch)
    return _StubTorch


def test_cupy_outputs_with_negative_strides_become_tensors(cp, stub_torch):
    """1a: a CuPy flip/rot90 result is a negative-stride view; it is copied before DLPack (the NumPy
    branch already copied), so torch gets it instead of refusing it."""
    from xalbu.core.torch_interop import to_tensor

    img = cp.asarray(np.arange(24, dtype=np.uint8).reshape(2, 4, 3))
    flipped = img[:, ::-1]
    assert min(flipped.strides) < 0
    out = to_tensor(flipped)
    np.testing.assert_array_equal(out.arr.get(), np.arange(24, dtype=np.uint8).reshape(2, 4, 3)[:, ::-1])
    assert to_tensor(img).arr is img  # positive strides: shared, not copied


def test_the_stream_context_switches_to_the_tensors_device_first(cp, stub_torch):
    """1c: CuPy makes an external stream current only on its own device; a tensor on GPU 1 while GPU 0
    is current used to raise. Inside the context the tensor's device is current; after it, the old one."""
    from xalbu.core.torch_interop import cuda_stream

    tensor = stub_torch.Tensor(None, stub_torch._Device(1))
    assert cp.cuda.Device().id == 0
    with cuda_stream(tensor):
        assert cp.cuda.Device().id == 1
    assert cp.cuda.Device().id == 0


@pytest.mark.parametrize("kernel, per_sample, shared", LUT_CASES, ids=lambda v: getattr(v, "__name__", ""))
def test_lut_overrides_build_one_table_for_parameters_a_batch_shares(
    cp, monkeypatch, kernel, per_sample, shared
):
    """1f: every parameter shared by the batch (scalars, per-channel tuples): one 256-entry table per
    channel, not one per sample (6-12 ms of host time per call at N=1024 before); per-sample
    parameters still get one table per sample."""
    ramps = []
    real = kernel.generic

    def spy(img, *args, **kwargs):
        ramps.append(img.shape)
        return real(img, *args, **kwargs)

    monkeypatch.setattr(kernel, "generic", spy)
    batch = _image(_seed("lut-shared", kernel.__name__), "uint8", (6, 4, 5, 3))
    got = kernel(cp.asarray(batch), *shared)
    assert ramps == [(1, 256, 3)]
    np.testing.assert_array_equal(cp.asnumpy(got), real(batch, *shared))
    if any(isinstance(a, np.ndarray) for a in per_sample):
        ramps.clear()
        kernel(cp.asarray(batch[:3]), *per_sample)
        assert ramps == [(3, 1, 256, 3)]


PER_CHANNEL_CASES = [
    (P.gamma, lambda r: (r.uniform(0.5, 2.0, (2, 3)),)),
    (P.solarize, lambda r: (r.uniform(0.1, 0.9, (2, 3)),)),
    (P.posterize, lambda r: (np.array([[1, 4, 8], [2, 3, 7]]),)),
    (P.multiply_add, lambda r: (r.uniform(0.5, 1.5, (2, 3)), r.uniform(-30, 30, (2, 3)))),
    (P.brightness_contrast, lambda r: (r.uniform(0.5, 1.5, (2, 3)), r.uniform(-0.2, 0.2, (2, 3)), True)),
]


@pytest.mark.parity.with_args("cupy", *[kernel for kernel, _ in PER_CHANNEL_CASES])
@pytest.mark.parametrize("kernel, make", PER_CHANNEL_CASES, ids=lambda v: getattr(v, "__name__", ""))
def test_lut_overrides_per_sample_and_channel_parameters(cp, kernel, make):
    """(N, C) parameters: a table per sample and per channel (a kernel reading channel 0's table for
    every channel passes the per-sample cases above but not these)."""
    rng = _seed("lut-channels", kernel.__name__)
    img = _image(rng, "uint8", (2, 5, 6, 3))
    args = make(rng)
    np.testing.assert_array_equal(cp.asnumpy(kernel(cp.asarray(img), *args)), kernel.generic(img, *args))


# ----------------------------------------------------------------------------- CuPy's namespace on the harness
def test_the_stand_in_refuses_what_cupy_refuses(cp):
    x = cp.asarray(np.arange(4.0))
    with pytest.raises(TypeError, match="Implicit conversion"):
        np.asarray(x)
    with pytest.raises(TypeError, match="host array"):
        x + np.ones(4)
    with pytest.raises(TypeError, match="host array"):
        cp.where(x > 1, x, np.zeros(4))
    with pytest.raises(TypeError, match="host array"):
        np.ones(4) * x  # NumPy defers to the device array, which refuses
    assert isinstance(x + 1.5, cp.ndarray) and isinstance(x.sum(), cp.ndarray)  # reductions stay 0-d arrays


def test_the_generic_kernels_run_through_array_api_compat(cp):
    from array_api_compat import array_namespace

    img = cp.asarray(np.arange(24, dtype=np.uint8).reshape(2, 3, 4, 1))
    assert array_namespace(img).__name__ == "array_api_compat.cupy"
    expected = G.warp.generic(img.get(), np.eye(3), (3, 4), 1, 0, 0)
    cp.reset_stats()
    got = P.invert.generic(P.invert.generic(img))  # the generic kernels, on device arrays
    assert isinstance(got, cp.ndarray) and cp.STATS["to_host"] == 0
    np.testing.assert_array_equal(got.get(), expected)
    assert (cp.empty_like(img).get() == 0xA5).all()  # unwritten memory shows
