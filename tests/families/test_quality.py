"""quality family tests (see xalbu/transforms/quality.py): ImageCompression and Downscale.

Kernels run over the ``xp`` fixture: on NumPy a call dispatches to the numpy_cv2 override (OpenCV's
codecs and resizes), on array_api_strict the generic kernel runs, on cupy the CUDA override (on the
CPU harness without a GPU). The generic JPEG round trip is libjpeg-turbo's integer arithmetic, so it
equals OpenCV's JPEG (and albumentations' ImageCompression) bit for bit: the tests hold it to that.
"""

from __future__ import annotations

import cv2
import numpy as np
import pytest

import xalbu as A
from xalbu.core.kinds import gate_params
from xalbu.core.state import State
from xalbu.functional import quality as P
from xalbu.transforms.quality import Downscale, ImageCompression

from ._pointwise import check_hw_stays_hw_and_other_targets_pass_through, check_invariants, one, row, run

DTYPES = ("uint8", "uint16", "float32")


def _photo(h: int = 48, w: int = 64, c: int = 3, seed: int = 0) -> np.ndarray:
    """A smooth colour pattern with some noise (what codecs are made for), uint8 HWC."""
    rng = np.random.default_rng(seed)
    y, x = np.mgrid[0:h, 0:w]
    chans = [128 + 100 * np.sin(x / (5.0 + k) + y / (9.0 + 2 * k)) for k in range(c)]
    return np.clip(np.stack(chans, -1) + rng.normal(0, 12, (h, w, c)), 0, 255).astype(np.uint8)


def _as(img: np.ndarray, dtype: str) -> np.ndarray:
    if dtype == "uint16":
        return img.astype(np.uint16) * np.uint16(257)
    if dtype == "float32":
        return img.astype(np.float32) / np.float32(255)
    return img


def _opencv_jpeg(img: np.ndarray, q: int) -> np.ndarray:
    """OpenCV's JPEG round trip of a 1- or 3-channel uint8 image (what albumentations calls)."""
    buf = cv2.imencode(".jpg", img, (cv2.IMWRITE_JPEG_QUALITY, q))[1]
    if img.shape[2] == 1:
        return cv2.imdecode(buf, cv2.IMREAD_GRAYSCALE)[..., None]
    return cv2.imdecode(buf, cv2.IMREAD_UNCHANGED)


def _psnr(a: np.ndarray, b: np.ndarray) -> float:
    mse = float(np.mean((a.astype(np.float64) - b.astype(np.float64)) ** 2))
    return float("inf") if mse == 0 else 10 * np.log10(255.0**2 / mse)


# ------------------------------------------------------------------------------------------- golden
@pytest.mark.golden.with_args(P.jpeg)
def test_jpeg_golden_values(xp):
    # flat gray 37 at quality 1: DC = 64 * (37 - 128) = -5824, divisor 8 * 255 = 2040, (5824 + 1020) // 2040 = 3,
    # dequantised -765; IDCT: -765 << 2 = -3060, (-3060 + 16) >> 5 = -96: 128 - 96 = 32
    assert run(xp, P.jpeg, np.full((3, 5, 1), 37), "uint8", 1).ravel().tolist() == [32] * 15
    # flat gray 200 at quality 50 (luma DC step 16): 4608 / 128 = 36 steps exactly: stays 200
    assert run(xp, P.jpeg, np.full((9, 9, 1), 200), "uint8", 50).ravel().tolist() == [200] * 81
    # flat BGR (200, 100, 50) at quality 100 (every step 1): Y 96, Cb 186, Cr 95 survive; back:
    # R = 96 + ((91881 * -33 + 32768) >> 16) = 50, G = 96 + 4 = 100, B = 96 + ((116130 * 58 + 32768) >> 16) = 199
    out = run(xp, P.jpeg, np.tile(np.array([200, 100, 50]), (4, 6, 1)), "uint8", 100)
    assert out.reshape(-1, 3).tolist() == [[199, 100, 50]] * 24
    # quality 0: the image as it is; uint16 and float32 through 8 bits
    assert run(xp, P.jpeg, row([3, 77, 250], "uint8"), "uint8", 0).ravel().tolist() == [3, 77, 250]
    assert run(xp, P.jpeg, np.full((2, 2, 1), 200 * 257), "uint16", 50).ravel().tolist() == [200 * 257] * 4
    out = run(xp, P.jpeg, np.full((2, 2, 1), 0.5), "float32", 50)  # 127.5 -> 128 (half to even)
    np.testing.assert_array_equal(out, np.float32(128) / np.float32(255))


@pytest.mark.golden.with_args(P.webp)
def test_webp_golden_values(xp):
    """A flat image comes back flat from libwebp (NumPy) and from the JPEG stand-in (elsewhere)."""
    assert run(xp, P.webp, np.full((8, 8, 1), 128), "uint8", 50).ravel().tolist() == [128] * 64
    assert run(xp, P.webp, np.full((2, 3, 1), 37), "uint8", 0).ravel().tolist() == [37] * 6
    if xp.name != "numpy":  # the stand-in is the JPEG round trip (see test_jpeg_golden_values)
        assert run(xp, P.webp, np.full((3, 5, 1), 37), "uint8", 1).ravel().tolist() == [32] * 15


@pytest.mark.golden.with_args(P.downscale)
def test_downscale_golden_values(xp):
    img = row([0, 4, 8, 12], "uint8")
    # nearest down takes pixel centres 1 and 3 ([4, 12]), nearest up repeats them
    assert run(xp, P.downscale, img, "uint8", 0.5, 0, 0).ravel().tolist() == [4, 4, 12, 12]
    # linear down: positions 0.5 and 2.5 -> [2, 10]; linear up: -0.25, 0.25, 0.75, 1.25 -> [2, 4, 8, 10]
    assert run(xp, P.downscale, img, "uint8", 0.5, 1, 1).ravel().tolist() == [2, 4, 8, 10]
    # area down averages pairs -> [2, 10]; nearest up
    assert run(xp, P.downscale, img, "uint8", 0.5, 3, 0).ravel().tolist() == [2, 2, 10, 10]
    # scale 1: unchanged; a tiny scale keeps one pixel (round(4 * 0.1) = 0 -> 1): the centre pixel 8
    assert run(xp, P.downscale, img, "uint8", 1.0, 1, 1).ravel().tolist() == [0, 4, 8, 12]
    assert run(xp, P.downscale, img, "uint8", 0.1, 0, 0).ravel().tolist() == [8, 8, 8, 8]
    # per sample on a batch: 0.5 linear, 1 (identity), 0.25 (-> 1 pixel, its linear value 6)
    batch = np.stack([img, img, img])
    out = run(xp, P.downscale, batch, "uint8", np.array([0.5, 1.0, 0.25]), 1, 1)
    assert out[:, 0, :, 0].tolist() == [[2, 4, 8, 10], [0, 4, 8, 12], [6, 6, 6, 6]]


# -------------------------------------------------------------- the JPEG round trip is OpenCV's
@pytest.mark.parametrize("channels", [1, 3])
def test_generic_jpeg_equals_opencv_bit_for_bit(channels):
    rng = np.random.default_rng(channels)
    for q in range(1, 101, 3):
        h, w = (int(v) for v in rng.integers(1, 40, 2))
        img = (
            _photo(h, w, channels, seed=q)
            if q % 2
            else rng.integers(0, 256, (h, w, channels), dtype=np.uint8)
        )
        np.testing.assert_array_equal(
            P.jpeg.generic(img, q), _opencv_jpeg(img, q), err_msg=f"q={q} {img.shape}"
        )


def test_generic_jpeg_equals_opencv_on_edge_cases():
    """Binary images (overshoot and clamping), widths whose chroma is <= 2 samples (libjpeg repeats
    rather than filters those), odd sizes (edge padding) and a larger image."""
    rng = np.random.default_rng(5)
    cases = [(rng.integers(0, 2, (21, 13, 3)) * 255).astype(np.uint8)]
    cases += [
        rng.integers(0, 256, (h, w, 3), dtype=np.uint8) for h, w in [(1, 1), (7, 3), (3, 4), (2, 5), (17, 33)]
    ]
    cases.append(_photo(128, 160))
    for img in cases:
        for q in (1, 13, 50, 87, 100):
            np.testing.assert_array_equal(
                P.jpeg.generic(img, q), _opencv_jpeg(img, q), err_msg=f"{img.shape} {q}"
            )


# ------------------------------------------------------------------------------------------- parity
@pytest.mark.parity.with_args("numpy_cv2", P.jpeg)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("channels", [1, 2, 3, 5])
@pytest.mark.parametrize("batch", [False, True], ids=["hwc", "nhwc"])
def test_jpeg_override_matches_generic_exactly(dtype, channels, batch):
    """Tolerance 0: OpenCV's codec and the generic integer arithmetic agree bit for bit."""
    img = _as(_photo(19, 26, channels), dtype)
    if batch:
        imgs = np.stack([img, img[::-1], _as(_photo(19, 26, channels, seed=2), dtype)])
        q = np.array([0, 35, 92])
        np.testing.assert_array_equal(P.jpeg(imgs, q), P.jpeg.generic(imgs, q))
    else:
        np.testing.assert_array_equal(P.jpeg(img, 60), P.jpeg.generic(img, 60))


@pytest.mark.parity.with_args("numpy_cv2", P.webp)
@pytest.mark.parametrize("q", [1, 10, 50, 90, 100])
def test_webp_override_is_close_to_the_generic_stand_in(q):
    """libwebp (override) against the JPEG stand-in (generic): different codecs, so a loose bound:
    PSNR >= 16 dB at quality 1, >= 23 dB from quality 10 (measured 17.9 .. 42 dB); dtype and shape kept."""
    img = _photo(96, 128)
    for dtype in DTYPES:
        ours, generic = P.webp(_as(img, dtype), q), P.webp.generic(_as(img, dtype), q)
        assert ours.dtype == generic.dtype == np.dtype(dtype) and ours.shape == img.shape
    assert _psnr(P.webp(img, q), P.webp.generic(img, q)) >= (16 if q < 10 else 23)
    batch = np.stack([img, img])
    out = P.webp(batch, np.array([0, q]))
    np.testing.assert_array_equal(out[0], img)
    np.testing.assert_array_equal(out[1], P.webp(img, q))


@pytest.mark.parity.with_args("numpy_cv2", P.downscale)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("pair", [(0, 0), (1, 1), (0, 1), (3, 2), (2, 4), (3, 3)])
@pytest.mark.parametrize("channels", [1, 3, 6])
def test_downscale_override_matches_generic(dtype, pair, channels):
    """Within 2 levels, 99% within 1 (uint8, uint16; two resizes, each rounded, and OpenCV's linear
    and cubic weights are fixed point) / 1e-4 (float32)."""
    img = _as(_photo(20, 27, channels), dtype)
    batch = np.stack([img, img[::-1], img[:, ::-1]])
    scales = np.array([0.3, 1.0, 0.62])
    for x, s in [(img, 0.4), (img, 0.5), (batch, scales), (batch, 0.25)]:
        ours, generic = P.downscale(x, s, *pair), P.downscale.generic(x, s, *pair)
        assert ours.dtype == generic.dtype and ours.shape == generic.shape == x.shape
        if dtype == "float32":
            np.testing.assert_allclose(ours, generic, atol=1e-4)
        else:
            diff = np.abs(ours.astype(np.int64) - generic)
            assert diff.max() <= 2 and (diff <= 1).mean() >= 0.99, (s, pair)


@pytest.mark.gpu
@pytest.mark.parity.with_args("cupy", P.jpeg, P.webp)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("channels", [1, 2, 3, 4])
def test_cupy_jpeg_matches_generic_exactly(cupy, dtype, channels):
    """Tolerance 0: the CUDA kernels do the generic kernel's integer maths (three launches a batch)."""
    imgs = np.stack([_as(_photo(21, 30, channels, seed=s), dtype) for s in range(3)])
    q = np.array([0, 7, 95])
    for kernel in (P.jpeg, P.webp):
        x = cupy.asarray(imgs)
        if hasattr(cupy, "STATS"):  # the harness counts launches and syncs
            cupy.reset_stats()
            y = kernel(x, q)
            assert cupy.STATS["launches"] == (2 if channels == 1 else 3) and cupy.STATS["to_host"] == 0
        else:
            y = kernel(x, q)
        out = cupy.asnumpy(y)
        np.testing.assert_array_equal(out, P.jpeg.generic(imgs, q))
        single = cupy.asnumpy(kernel(cupy.asarray(imgs[1]), 7))
        np.testing.assert_array_equal(single, out[1])


@pytest.mark.gpu
@pytest.mark.parity.with_args("cupy", P.downscale)
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("pair", [(0, 0), (1, 1), (2, 2), (3, 3), (4, 4), (3, 1), (0, 4)])
def test_cupy_downscale_matches_generic(cupy, dtype, pair):
    """Within 1 level, 99% equal (uint8, uint16: float sums in another order, then rounded twice) /
    1e-6 (float32); per-sample scales, 1 (identity) and a scale that leaves 1 pixel; four launches."""
    imgs = np.stack([_as(_photo(23, 31, 3, seed=s), dtype) for s in range(4)])
    scales = np.array([0.3, 1.0, 0.02, 0.71])
    x = cupy.asarray(imgs)
    if hasattr(cupy, "STATS"):
        cupy.reset_stats()
        y = P.downscale(x, scales, *pair)
        assert cupy.STATS["launches"] == 4 and cupy.STATS["to_host"] == 0
    else:
        y = P.downscale(x, scales, *pair)
    out, generic = cupy.asnumpy(y), P.downscale.generic(imgs, scales, *pair)
    np.testing.assert_array_equal(out[1], imgs[1])
    if dtype == "float32":
        np.testing.assert_allclose(out, generic, atol=1e-6)
    else:
        diff = np.abs(out.astype(np.int64) - generic)
        assert diff.max() <= 1 and (diff == 0).mean() >= 0.99
    single = cupy.asnumpy(P.downscale(cupy.asarray(imgs[0]), 0.3, *pair))
    np.testing.assert_array_equal(single, out[0])


@pytest.mark.gpu
@pytest.mark.parametrize("q", [5, 30, 60, 90, 100])
def test_cupy_jpeg_equals_opencv(cupy, q):
    """The device's JPEG against OpenCV's encoder and decoder: equal (PSNR infinite), on a photo-like
    image and on noise, at several qualities."""
    for img in (_photo(37, 50), np.random.default_rng(q).integers(0, 256, (24, 40, 3), dtype=np.uint8)):
        out = cupy.asnumpy(P.jpeg(cupy.asarray(img), q))
        np.testing.assert_array_equal(out, _opencv_jpeg(img, q))
        assert _psnr(out, _opencv_jpeg(img, q)) == float("inf")


# ----------------------------------------------------------------------------- albumentations parity
alb = pytest.importorskip("albumentations")


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize("compression_type", ["jpeg", "webp"])
@pytest.mark.parametrize("dtype", ["uint8", "float32"])
@pytest.mark.parametrize("channels", [1, 2, 3, 4, 6])
def test_image_compression_matches_albumentations(compression_type, dtype, channels):
    img = _as(_photo(33, 45, channels), dtype)
    for q in (3, 40, 97):
        theirs = alb.ImageCompression(compression_type=compression_type, quality_range=(q, q), p=1)(image=img)
        ours = A.Compose([ImageCompression(compression_type=compression_type, quality_range=(q, q), p=1)])(
            image=img
        )
        assert ours["image"].dtype == theirs["image"].dtype
        np.testing.assert_array_equal(ours["image"], theirs["image"].reshape(img.shape))


@pytest.mark.filterwarnings("ignore::UserWarning")
@pytest.mark.parametrize("pair", [(1, 1), (3, 1), (2, 2), (3, 3), (1, 4), (5, 5)])
@pytest.mark.parametrize("dtype", ["uint8", "uint16"])
def test_downscale_matches_albumentations_where_the_grid_is_the_same(pair, dtype):
    """Same output where the sizes are whole multiples (OpenCV's fx/fy mapping is then the explicit
    size's): within 1 level on uint8; uint16 (albumentations fails there, see below) against the same
    OpenCV resizes, within 2 levels (OpenCV's 16-bit INTER_LINEAR_EXACT rounds its own way)."""
    img = _as(_photo(64, 48, 3), dtype)
    inter = {"downscale": pair[0], "upscale": pair[1]}
    for s in (0.5, 0.25):
        ours = Downscale(scale_range=(s, s), interpolation_pair=inter, p=1)(image=img)["image"]
        if dtype == "uint8":
            theirs = alb.Downscale(scale_range=(s, s), interpolation_pair=inter, p=1)(image=img)["image"]
            assert np.abs(ours.astype(int) - theirs).max() <= 1, (s, pair)
        else:  # the same resizes in 16 bits: OpenCV directly
            small = cv2.resize(img, None, fx=s, fy=s, interpolation=pair[0])
            ref = cv2.resize(small, (48, 64), interpolation=pair[1])
            assert np.abs(ours.astype(int) - ref).max() <= 2  # 5 (INTER_LINEAR_EXACT) rounds differently


@pytest.mark.filterwarnings("ignore::UserWarning")
def test_documented_differences_from_albumentations():
    """docs/differences.md: nearest at pixel centres; float32 and uint16 images not sent through uint8."""
    img = _photo(16, 16, 3)
    theirs = alb.Downscale(scale_range=(0.5, 0.5), p=1)(image=img)["image"]
    ours = Downscale(scale_range=(0.5, 0.5), p=1)(image=img)["image"]
    np.testing.assert_array_equal(theirs, img[::2, ::2].repeat(2, 0).repeat(2, 1))  # floor(j * 2)
    np.testing.assert_array_equal(ours, img[1::2, 1::2].repeat(2, 0).repeat(2, 1))  # floor((j + 0.5) * 2)
    f = np.linspace(0, 1, 16 * 16 * 3, dtype=np.float32).reshape(16, 16, 3)
    t = {"scale_range": (0.5, 0.5), "interpolation_pair": {"downscale": 3, "upscale": 0}, "p": 1}
    theirs, ours = alb.Downscale(**t)(image=f)["image"], Downscale(**t)(image=f)["image"]
    np.testing.assert_array_equal(theirs * 255, np.round(theirs * 255))  # 256 levels
    assert not np.array_equal(ours * 255, np.round(ours * 255))  # float32 kept
    u16 = _as(img, "uint16")
    theirs = alb.ImageCompression(quality_range=(50, 50), p=1)(image=u16)["image"]
    assert theirs.dtype == np.float32 and theirs.max() == 1.0 and theirs.min() == 1.0  # saturated
    ours = ImageCompression(quality_range=(50, 50), p=1)(image=u16)["image"]
    assert ours.dtype == np.uint16
    np.testing.assert_array_equal(ours, _opencv_jpeg(img, 50).astype(np.uint16) * 257)
    theirs = alb.Downscale(scale_range=(0.5, 0.5), p=1)(image=u16)["image"]
    assert theirs.dtype == np.float32
    assert Downscale(scale_range=(0.5, 0.5), p=1)(image=u16)["image"].dtype == np.uint16
    with pytest.raises(Exception):  # noqa: B017 - OpenCV's error: a zero-size intermediate image
        alb.Downscale(scale_range=(0.0, 0.0), p=1)(image=img)
    flat = Downscale(scale_range=(0.0, 0.0), p=1)(image=img)["image"]
    assert flat.shape == img.shape and (flat == flat[0, 0]).all()
    with pytest.raises(KeyError):
        alb.Downscale(interpolation_pair={"downscale": 1}, p=1)(image=img)
    with pytest.raises(ValueError, match="interpolation_pair"):
        Downscale(interpolation_pair={"downscale": 1})


# ---------------------------------------------------------------------------------- the transforms
FACTORIES = {
    "jpeg": lambda c: ImageCompression(quality_range=(10, 60), p=1),
    "webp": lambda c: ImageCompression(compression_type="webp", quality_range=(10, 60), p=1),
    "downscale": lambda c: Downscale(
        scale_range=(0.3, 0.6), interpolation_pair={"downscale": 3, "upscale": 1}, p=1
    ),
}


@pytest.mark.parametrize("name", sorted(FACTORIES))
@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("channels", [1, 3, 6])
def test_invariants(xp, name, dtype, channels):
    check_invariants(xp, name, FACTORIES[name], dtype, channels)


@pytest.mark.parametrize("name", sorted(FACTORIES))
def test_hw_stays_hw_and_other_targets_pass_through(name):
    check_hw_stays_hw_and_other_targets_pass_through(FACTORIES[name])


def test_quality_and_scale_draws_stay_in_range():
    rng = np.random.default_rng(0)
    q = ImageCompression(quality_range=(20, 23)).sample(rng, (8, 8), 4000).quality
    assert set(np.unique(q).tolist()) == {20, 21, 22, 23}
    assert isinstance(ImageCompression(quality_range=(20, 23)).sample(rng, (8, 8), None).quality, int)
    s = Downscale(scale_range=(0.3, 0.6)).sample(rng, (8, 8), 4000).scale
    assert s.min() >= 0.3 and s.max() < 0.6


@pytest.mark.parametrize(
    ("t", "kernel"),
    [
        (ImageCompression(quality_range=(5, 95), p=1), P.jpeg),
        (ImageCompression(compression_type="webp", quality_range=(5, 95), p=1), P.webp),
        (
            Downscale(scale_range=(0.2, 0.9), interpolation_pair={"downscale": 1, "upscale": 2}, p=1),
            P.downscale,
        ),
    ],
)
def test_batch_samples_match_single_image(xp, t, kernel):
    """Per-sample parameters: each sample of a batch equals the single-image call with its own value;
    gated-off samples (identity parameters) come back as they were."""
    imgs = np.stack([_photo(19, 23, 3, seed=s) for s in range(5)])
    state = State(shape=(19, 23), batch=5, images={"image": xp.asarray(imgs)})
    params = t.sample_data(np.random.default_rng(1), state)
    values = np.asarray(next(iter(vars(params).values())))
    assert len(set(values.tolist())) > 1
    gated = gate_params(params, np.array([True, False, True, True, False]), t.identity)
    out = xp.to_numpy(t.apply_image(xp.asarray(imgs), gated))
    for i in range(5):
        if i in (1, 4):
            np.testing.assert_array_equal(out[i], imgs[i])
            continue
        v = values[i].item()
        single = xp.to_numpy(kernel(xp.asarray(imgs[i]), v, *_pair(t)))
        if xp.name == "numpy" or kernel is not P.downscale:
            np.testing.assert_array_equal(out[i], single, err_msg=f"sample {i}")
        else:  # batched products against sizing's resizes: float sums in another order
            assert np.abs(out[i].astype(int) - single).max() <= 1


def _pair(t):
    if isinstance(t, Downscale):
        return (t.interpolation_pair["downscale"], t.interpolation_pair["upscale"])
    return ()


def test_batch_pipeline_same_seed_and_p_half():
    imgs = np.stack([_photo(16, 16, 3, seed=s) for s in range(8)])
    for factory in FACTORIES.values():
        a, b = (A.Compose([factory(3)], seed=4).batch(images=imgs)["images"] for _ in range(2))
        np.testing.assert_array_equal(a, b)
    half = A.Compose([ImageCompression(quality_range=(5, 5), p=0.5)], seed=1).batch(images=imgs)["images"]
    same = [np.array_equal(half[i], imgs[i]) for i in range(8)]
    assert any(same) and not all(same)


@pytest.mark.parametrize(
    ("factory", "match"),
    [
        (lambda: ImageCompression(compression_type="png"), "compression_type"),
        (lambda: ImageCompression(compression_type=0), "compression_type"),
        (lambda: ImageCompression(quality_range=(0, 50)), r"quality_range\[0\]"),
        (lambda: ImageCompression(quality_range=(50, 101)), r"quality_range\[1\]"),
        (lambda: ImageCompression(quality_range=(60, 50)), "quality_range"),
        (lambda: ImageCompression(quality_range=(50.5, 60)), r"quality_range\[0\]"),
        (lambda: ImageCompression(quality_range=(True, 60)), r"quality_range"),
        (lambda: ImageCompression(quality_range=(float("nan"), 60)), r"quality_range\[0\]"),
        (lambda: ImageCompression(p=float("nan")), "p"),
        (lambda: Downscale(scale_range=(0.1, 1.5)), r"scale_range\[1\]"),
        (lambda: Downscale(scale_range=(-0.1, 0.5)), r"scale_range\[0\]"),
        (lambda: Downscale(scale_range=(float("nan"), 0.5)), r"scale_range\[0\]"),
        (lambda: Downscale(scale_range=(0.6, 0.5)), "scale_range"),
        (lambda: Downscale(interpolation_pair={"downscale": 1}), "interpolation_pair"),
        (lambda: Downscale(interpolation_pair=1), "interpolation_pair"),
        (lambda: Downscale(interpolation_pair={"downscale": 7, "upscale": 1}), "interpolation_pair"),
        (lambda: Downscale(interpolation_pair={"downscale": True, "upscale": 1}), "interpolation_pair"),
        (lambda: Downscale(interpolation_pair={"downscale": 1.5, "upscale": 1}), "interpolation_pair"),
    ],
)
def test_bad_arguments(factory, match):
    with pytest.raises((ValueError, TypeError), match=match):
        factory()


def test_exact_codes_and_defaults():
    """Codes 5 and 6 (OpenCV's exact linear and nearest) act as linear and nearest; defaults are albumentations'."""
    img = _photo(12, 12, 3)
    for exact, plain in ((5, 1), (6, 0)):
        a = Downscale(scale_range=(0.5, 0.5), interpolation_pair={"downscale": exact, "upscale": exact}, p=1)
        b = Downscale(scale_range=(0.5, 0.5), interpolation_pair={"downscale": plain, "upscale": plain}, p=1)
        np.testing.assert_array_equal(one(a, img), one(b, img))
    t = ImageCompression()
    assert (t.compression_type, t.quality_range, t.p) == ("jpeg", (99, 100), 0.5)
    d = Downscale()
    assert (d.scale_range, d.interpolation_pair, d.p) == ((0.25, 0.25), {"upscale": 0, "downscale": 0}, 0.5)


def test_albumentations_1x_arguments_are_ignored_with_a_warning():
    with pytest.warns(UserWarning, match="quality_lower"):
        t = ImageCompression(quality_lower=50, quality_range=(60, 70))
    assert t.quality_range == (60, 70)
    with pytest.warns(UserWarning, match="scale_min"):
        Downscale(scale_min=0.3)
