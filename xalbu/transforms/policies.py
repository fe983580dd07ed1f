"""Augmentation policies with torchvision v2's arguments, operation lists and magnitude tables:
RandAugment, TrivialAugmentWide and AutoAugment (ImageNet, CIFAR-10 and SVHN policies).

Each draws, per image (per sample in a batch), a short list of operations from the table ``OPS``
with a signed magnitude, on the host: the parameters are the operation ids and magnitudes (a
``PolicyParams``), so a record replays exactly. The operations are torchvision's: shears (about
the top-left corner), translations (whole pixels), rotation (about the centre), Pillow-style
enhancements (brightness, colour, contrast, sharpness), posterize, solarize, autocontrast,
equalize and invert (kernels in :mod:`xalbu.functional.policies`, uint8 results equal to
torchvision's). Geometric operations move masks (nearest, fill 0), boxes and keypoints with the
image; the others change images only.

In a batch each operation slot runs every operation once over the samples that chose it (a
sub-batch taken out and put back; one warp for all the geometric choices), never a Python loop
over the samples, and an operation no sample chose runs nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any, ClassVar

import numpy as np
from array_api_compat import array_namespace, device

from ..core.affine import AffineTransform, Geometry
from ..core.kinds import SpatialTransform
from ..core.state import State
from ..core.validation import check_choice, check_fill, check_int, check_interpolation
from ..functional import policies as F
from ..functional._common import select
from ..functional._utils import check_unit_range, max_value
from ..functional.affine import warp

__all__ = ["AutoAugment", "RandAugment", "TrivialAugmentWide"]

OPS = (
    "Identity",
    "ShearX",
    "ShearY",
    "TranslateX",
    "TranslateY",
    "Rotate",
    "Brightness",
    "Color",
    "Contrast",
    "Sharpness",
    "Posterize",
    "Solarize",
    "AutoContrast",
    "Equalize",
    "Invert",
)
"""Every operation; a ``PolicyParams`` holds indices into this tuple (0: nothing, a skipped step)."""
OP_ID = {name: i for i, name in enumerate(OPS)}
SIGNED = np.array([name in OPS[1:10] for name in OPS])  # geometric and enhancement magnitudes
GEOMETRIC = (1, 2, 3, 4, 5)
RAND_OPS = 14  # RandAugment and TrivialAugmentWide draw among OPS[:14] (Identity .. Equalize)
INTERPOLATIONS = {"nearest": 0, "bilinear": 1, "bicubic": 2}


def linspace32(start: float, end: float, n: int) -> np.ndarray:
    """``torch.linspace(start, end, n)`` in float32, value for value: ``start + step * i`` in the
    first half and ``end - step * (n - 1 - i)`` in the second, each a fused multiply-add (one
    rounding) with the float32 ``step``."""
    a, b = float(np.float32(start)), float(np.float32(end))
    if n == 1:
        return np.array([a], np.float32)
    step = float(np.float32(np.float32(b - a) / np.float32(n - 1)))
    i = np.arange(n, dtype=np.float64)
    return np.where(i < n // 2, a + step * i, b - step * (n - 1 - i)).astype(np.float32)


def posterize_bits(n: int, span: int, top: int = 8) -> np.ndarray:
    """torchvision's posterize bins: ``round(top - arange(n) / ((n - 1) / span))`` in float32."""
    v = np.float32(top) - np.arange(n, dtype=np.float32) / np.float32((n - 1) / span)
    return np.round(v).astype(np.int64)


# space -> shear, translate (fraction of the side, or pixels when the flag says so), rotate,
# enhancement, posterize span
_SPACES = {
    "standard": (0.3, (150.0 / 331.0, False), 30.0, 0.9, 4),
    "wide": (0.99, (32.0, True), 135.0, 0.99, 6),
}


@lru_cache(maxsize=256)
def magnitude_table(space: str, bins: int, height: int, width: int) -> np.ndarray:
    """``(len(OPS), bins)`` float64 magnitudes (float32 values, as torchvision's tables hold);
    operations without a magnitude hold 0. ``space``: ``"standard"`` (RandAugment, AutoAugment)
    or ``"wide"`` (TrivialAugmentWide)."""
    shear, (shift, pixels), rotate, enhance, span = _SPACES[space]
    t = np.zeros((len(OPS), bins), np.float64)
    t[OP_ID["ShearX"]] = t[OP_ID["ShearY"]] = linspace32(0.0, shear, bins)
    t[OP_ID["TranslateX"]] = linspace32(0.0, shift if pixels else shift * width, bins)
    t[OP_ID["TranslateY"]] = linspace32(0.0, shift if pixels else shift * height, bins)
    t[OP_ID["Rotate"]] = linspace32(0.0, rotate, bins)
    for name in ("Brightness", "Color", "Contrast", "Sharpness"):
        t[OP_ID[name]] = linspace32(0.0, enhance, bins)
    t[OP_ID["Posterize"]] = posterize_bits(bins, span)
    t[OP_ID["Solarize"]] = linspace32(1.0, 0.0, bins)
    t.flags.writeable = False
    return t


def matrices(ops: np.ndarray, mags: np.ndarray, shape: tuple[int, int]) -> np.ndarray:
    """Forward ``(..., 3, 3)`` maps (continuous coordinates) of the geometric operations, identity
    for the others: torchvision's shears about the top-left corner (``x' = x - m y``), whole-pixel
    translations (``int(m)``) and counter-clockwise rotations by ``m`` degrees about the centre."""
    h, w = shape
    ops = np.asarray(ops)
    m = np.asarray(mags, np.float64)
    out = np.broadcast_to(np.eye(3), (*ops.shape, 3, 3)).copy()
    shift = np.trunc(m)
    a = np.radians(m)
    cos, sin = np.cos(a), np.sin(a)
    cx, cy = w / 2.0, h / 2.0
    rows = {
        1: ((1.0, -m, 0.0), (0.0, 1.0, 0.0)),
        2: ((1.0, 0.0, 0.0), (-m, 1.0, 0.0)),
        3: ((1.0, 0.0, shift), (0.0, 1.0, 0.0)),
        4: ((1.0, 0.0, 0.0), (0.0, 1.0, shift)),
        5: ((cos, sin, cx - cos * cx - sin * cy), (-sin, cos, cy + sin * cx - cos * cy)),
    }
    for op, (r0, r1) in rows.items():
        sel = ops == op
        for row, values in ((0, r0), (1, r1)):
            for i, v in enumerate(values):
                out[..., row, i] = np.where(sel, v, out[..., row, i])
    return out


def _pixel(op: int, img: Any, mag: Any) -> Any:
    """Pixel operation ``op`` (an ``OPS`` index) with magnitude ``mag`` (scalar or ``(n,)``)."""
    name = OPS[op]
    if name == "Brightness":
        return F.brightness(img, 1.0 + np.asarray(mag) if np.ndim(mag) else 1.0 + mag)
    if name == "Color":
        return F.saturation(img, 1.0 + np.asarray(mag) if np.ndim(mag) else 1.0 + mag)
    if name == "Contrast":
        return F.contrast(img, 1.0 + np.asarray(mag) if np.ndim(mag) else 1.0 + mag)
    if name == "Sharpness":
        return F.sharpness(img, 1.0 + np.asarray(mag) if np.ndim(mag) else 1.0 + mag)
    if name == "Posterize":
        bits = np.trunc(np.asarray(mag)).astype(np.int64)
        return F.posterize(img, int(bits) if bits.ndim == 0 else bits)
    if name == "Solarize":
        bound = max_value(array_namespace(img), img.dtype)
        return F.solarize(img, bound * np.asarray(mag) if np.ndim(mag) else bound * mag)
    if name == "AutoContrast":
        return F.autocontrast(img)
    if name == "Equalize":
        return F.equalize(img)
    return F.invert(img)


def _settable(img: Any) -> bool:
    return isinstance(img, np.ndarray) or type(img).__module__.startswith("cupy")


def _take(img: Any, idx: np.ndarray) -> Any:
    xp = array_namespace(img)
    return xp.take(img, xp.asarray(idx, device=device(img)), axis=0)


def _put(img: Any, parts: list[tuple[np.ndarray, Any]], owned: bool = False) -> Any:
    """``img`` with the samples ``idx`` of each ``(idx, values)`` replaced: a new array, or ``img``
    itself written in place when the caller ``owned`` it (an array this call made)."""
    xp = array_namespace(img)
    if _settable(img):
        out = img if owned else img.copy()
        host = isinstance(img, np.ndarray)
        for idx, values in parts:
            out[idx if host else xp.asarray(idx, device=device(img))] = values
        return out
    n = int(img.shape[0])
    done = np.concatenate([idx for idx, _ in parts])
    rest = np.setdiff1d(np.arange(n), done)
    order = np.argsort(np.concatenate([done, rest]), kind="stable")
    stacked = xp.concat([v for _, v in parts] + [_take(img, rest)], axis=0)
    return _take(stacked, order)


@dataclass
class _WarpParams:
    matrix: np.ndarray


class _PolicyWarp(AffineTransform):
    """The geometric operations of a policy: a per-sample matrix; warps only the samples it moves."""

    def matrix(self, params: Any, shape: tuple[int, int]) -> np.ndarray:
        return params.matrix

    given: frozenset[int] | None = None  # ids of the arrays the call did not make (None: all)

    def apply_image(self, img: Any, params: Any, geo: Geometry) -> Any:
        return self._warp(img, geo, self.interpolation, self.fill)

    def apply_mask(self, mask: Any, params: Any, geo: Geometry) -> Any:
        return self._warp(mask, geo, 0, 0.0)

    def _warp(self, img: Any, geo: Geometry, interpolation: int, fill: Any) -> Any:
        if geo.applied is None:
            return warp(img, geo.matrix, geo.out_hw, interpolation, 0, fill)
        if not isinstance(img, np.ndarray):  # device: one launch over the batch, whatever was drawn
            return select(warp(img, geo.matrix, geo.out_hw, interpolation, 0, fill), img, geo.applied)
        idx = np.flatnonzero(geo.applied)
        moved = warp(_take(img, idx), geo.matrix[idx], geo.out_hw, interpolation, 0, fill)
        return _put(img, [(idx, moved)], owned=self.given is not None and id(img) not in self.given)


@dataclass
class PolicyParams:
    ops: Any  # int64 (k,) for one image, (N, k) for a batch: indices into OPS (0: nothing)
    magnitudes: Any  # float64, same shape: signed magnitudes (0 for operations without one)


class _Policy(SpatialTransform):
    """Shared by the policies: arguments, checks and the application of drawn operations."""

    Params = PolicyParams
    _abstract = True
    _pixel_ops: ClassVar[tuple[int, ...]] = tuple(range(6, RAND_OPS))  # the pixel operations it draws

    def _set_common(self, interpolation: Any, fill: Any) -> None:
        if isinstance(getattr(interpolation, "value", None), str):  # torchvision's InterpolationMode
            interpolation = interpolation.value
        if isinstance(interpolation, str):
            self._interp = INTERPOLATIONS[check_choice("interpolation", interpolation, tuple(INTERPOLATIONS))]
        else:
            self._interp = check_interpolation("interpolation", interpolation, (0, 1, 2))
        self.interpolation = interpolation
        self.fill = None if fill is None else check_fill("fill", fill)

    def _warper(self, given: frozenset[int] | None = None) -> _PolicyWarp:
        """A warp step for this call (``given``: the arrays it may not write into; ``None``: all)."""
        w = _PolicyWarp(p=1.0)
        w.interpolation = self._interp
        w.fill = 0.0 if self.fill is None else self.fill
        w.given = given
        return w

    def _check(self, state: State) -> None:
        name = type(self).__name__
        for img in state.images.values():
            c = int(img.shape[-1])
            if c not in (1, 3):
                raise ValueError(f"{name}: expected a 1-channel or a 3-channel (RGB) image, got {c} channels")
            check_unit_range(name, img)

    def _apply(self, state: State, params: Any, applied: np.ndarray | None) -> None:
        self._check(state)
        ops = np.asarray(params.ops, np.int64)
        mags = np.asarray(params.magnitudes, np.float64)
        if state.batch is not None and applied is not None:
            ops = np.where(applied[:, None], ops, 0)
        fuse, state.fuse = state.fuse, False  # pixel steps follow: no deferred warps
        given = frozenset(id(a) for a in (*state.images.values(), *state.masks.values()))  # not ours
        try:
            for j in range(ops.shape[-1]):
                if state.batch is None:
                    self._single(state, int(ops[j]), float(mags[j]))
                else:
                    self._slot(state, ops[:, j], mags[:, j], given)
        finally:
            state.fuse = fuse

    def _single(self, state: State, op: int, mag: float) -> None:
        if op == 0:
            return
        if op in GEOMETRIC:
            self._warper()._apply(state, _WarpParams(matrices(np.int64(op), mag, state.shape)), None)
            return
        for key, img in state.images.items():
            state.images[key] = _pixel(op, img, mag)

    def _slot(self, state: State, ops: np.ndarray, mags: np.ndarray, given: frozenset[int]) -> None:
        geo = (ops >= GEOMETRIC[0]) & (ops <= GEOMETRIC[-1])
        on_device = not all(isinstance(img, np.ndarray) for img in state.images.values())
        if geo.any() or on_device:
            params = _WarpParams(matrices(ops, mags, state.shape))
            warper = self._warper(given)
            warper._apply(state, params, None if geo.all() else geo)
        for key, img in state.images.items():
            if isinstance(img, np.ndarray):  # CPU: only the operations some sample chose
                chosen = [op for op in np.unique(ops[~geo]).tolist() if op != 0]
                if len(chosen) == 1 and not (geo.any() or (ops == 0).any()):  # one for all
                    state.images[key] = _pixel(chosen[0], img, mags)
                    continue
            else:  # device: every operation of the policy, on its (maybe empty) sub-batch: the
                # host work and uploads do not depend on the draws; empty ones launch nothing
                chosen = self._pixel_ops
            parts = []
            for op in chosen:
                idx = np.flatnonzero(ops == op)
                parts.append((idx, _pixel(op, _take(img, idx), mags[idx])))
            if parts:
                state.images[key] = _put(img, parts, owned=id(img) not in given)

    @staticmethod
    def _draw(
        rng: np.random.Generator, table: np.ndarray, ops: np.ndarray, bins: Any, size: tuple[int, ...]
    ) -> np.ndarray:
        negative = (rng.random(size) < 0.5) & SIGNED[ops]
        return table[ops, bins] * np.where(negative, -1.0, 1.0)


# ---------------------------------------------------------------------------------------- RandAugment
class RandAugment(_Policy):
    """RandAugment (Cubuk et al., 2019) with torchvision v2's arguments and tables.

    Each image gets ``num_ops`` operations in sequence, each drawn uniformly among 14 (identity,
    shear x/y, translate x/y, rotate, brightness, color, contrast, sharpness, posterize, solarize,
    autocontrast, equalize) at the fixed ``magnitude`` bin; signed magnitudes take either sign
    with probability 1/2. Shear goes up to 0.3, translation to ``150/331`` of the side, rotation
    to 30 degrees, enhancement factors ``1 +- 0.9``, posterize from 8 to 4 bits, solarize from 255
    down to 0 over ``num_magnitude_bins`` bins.

    Args:
        num_ops: number of operations applied in sequence (>= 0).
        magnitude: the magnitude bin, in ``[0, num_magnitude_bins - 1]``.
        num_magnitude_bins: number of magnitude bins (>= 2).
        interpolation: of the geometric operations: ``"nearest"``, ``"bilinear"``, ``"bicubic"``
            (torchvision's names, or ``InterpolationMode``) or an OpenCV code 0, 1 or 2.
        fill: value of the area uncovered by geometric operations: ``None`` (0), a number or one per
            channel.
        p: probability of applying the transform.

    >>> import numpy as np, xalbu as A
    >>> img = np.random.default_rng(0).integers(0, 256, (32, 32, 3), dtype=np.uint8)
    >>> out = A.Compose([A.RandAugment(num_ops=2, magnitude=9)], seed=0)(image=img)["image"]
    >>> out.shape, out.dtype
    ((32, 32, 3), dtype('uint8'))
    """

    @classmethod
    def examples(cls, height: int, width: int, dtype: str = "uint8") -> list[dict[str, Any]]:
        return [{}, {"num_ops": 3, "magnitude": 20, "interpolation": "bilinear", "fill": 128}]

    def __init__(
        self,
        num_ops: int = 2,
        magnitude: int = 9,
        num_magnitude_bins: int = 31,
        interpolation: Any = "nearest",
        fill: Any = None,
        p: float = 1.0,
    ) -> None:
        super().__init__(p)
        self.num_ops = check_int("num_ops", num_ops, 0)
        self.num_magnitude_bins = check_int("num_magnitude_bins", num_magnitude_bins, 2)
        self.magnitude = check_int("magnitude", magnitude, 0, self.num_magnitude_bins - 1)
        self._set_common(interpolation, fill)

    def sample(self, rng: np.random.Generator, shape: tuple[int, int], n: int | None) -> PolicyParams:
        size = (self.num_ops,) if n is None else (n, self.num_ops)
        ops = rng.integers(0, RAND_OPS, size)
        table = magnitude_table("standard", self.num_magnitude_bins, *shape)
        return PolicyParams(ops, self._draw(rng, table, ops, self.magnitude, size))


# --------------------------------------------------------------------------------- TrivialAugmentWide
class TrivialAugmentWide(_Policy):
    """TrivialAugment Wide (Müller and Hutter, 2021) with torchvision v2's arguments and tables.

    Each image gets one operation drawn uniformly among RandAugment's 14, at a magnitude bin drawn
    uniformly among ``num_magnitude_bins`` (signed magnitudes: either sign with probability 1/2).
    The wide ranges: shear up to 0.99, translation up to 32 pixels, rotation up to 135 degrees,
    enhancement factors ``1 +- 0.99``, posterize from 8 to 2 bits, solarize from 255 to 0.

    Args:
        num_magnitude_bins: number of magnitude bins (>= 2).
        interpolation: of the geometric operations: ``"nearest"``, ``"bilinear"``, ``"bicubic"``
            or an OpenCV code 0, 1 or 2.
        fill: value of the area uncovered by geometric operations: ``None`` (0), a number or one per
            channel.
        p: probability of applying the transform.

    >>> import numpy as np, xalbu as A
    >>> batch = np.zeros((4, 16, 16, 3), np.uint8)
    >>> A.Compose([A.TrivialAugmentWide()], seed=0).batch(images=batch)["images"].shape
    (4, 16, 16, 3)
    """

    @classmethod
    def examples(cls, height: int, width: int, dtype: str = "uint8") -> list[dict[str, Any]]:
        return [{}, {"num_magnitude_bins": 11, "interpolation": 1, "fill": (0, 128, 255)}]

    def __init__(
        self, num_magnitude_bins: int = 31, interpolation: Any = "nearest", fill: Any = None, p: float = 1.0
    ) -> None:
        super().__init__(p)
        self.num_magnitude_bins = check_int("num_magnitude_bins", num_magnitude_bins, 2)
        self._set_common(interpolation, fill)

    def sample(self, rng: np.random.Generator, shape: tuple[int, int], n: int | None) -> PolicyParams:
        size = (1,) if n is None else (n, 1)
        ops = rng.integers(0, RAND_OPS, size)
        bins = rng.integers(0, self.num_magnitude_bins, size)
        table = magnitude_table("wide", self.num_magnitude_bins, *shape)
        return PolicyParams(ops, self._draw(rng, table, ops, bins, size))


# ---------------------------------------------------------------------------------------- AutoAugment
def _policy(rows: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``"Op p bin, Op p bin; ..."`` (bin ``-`` for none) as (ops, probabilities, bins) ``(25, 2)``."""
    steps = [[s.split() for s in row.split(",")] for row in rows.split(";")]
    ops = np.array([[OP_ID[s[0]] for s in row] for row in steps], np.int64)
    probs = np.array([[float(s[1]) for s in row] for row in steps])
    bins = np.array([[0 if s[2] == "-" else int(s[2]) for s in row] for row in steps], np.int64)
    return ops, probs, bins


POLICIES = {
    "imagenet": _policy(
        "Posterize .4 8, Rotate .6 9; Solarize .6 5, AutoContrast .6 -; Equalize .8 -, Equalize .6 -;"
        "Posterize .6 7, Posterize .6 6; Equalize .4 -, Solarize .2 4; Equalize .4 -, Rotate .8 8;"
        "Solarize .6 3, Equalize .6 -; Posterize .8 5, Equalize 1 -; Rotate .2 3, Solarize .6 8;"
        "Equalize .6 -, Posterize .4 6; Rotate .8 8, Color .4 0; Rotate .4 9, Equalize .6 -;"
        "Equalize 0 -, Equalize .8 -; Invert .6 -, Equalize 1 -; Color .6 4, Contrast 1 8;"
        "Rotate .8 8, Color 1 2; Color .8 8, Solarize .8 7; Sharpness .4 7, Invert .6 -;"
        "ShearX .6 5, Equalize 1 -; Color .4 0, Equalize .6 -; Equalize .4 -, Solarize .2 4;"
        "Solarize .6 5, AutoContrast .6 -; Invert .6 -, Equalize 1 -; Color .6 4, Contrast 1 8;"
        "Equalize .8 -, Equalize .6 -"
    ),
    "cifar10": _policy(
        "Invert .1 -, Contrast .2 6; Rotate .7 2, TranslateX .3 9; Sharpness .8 1, Sharpness .9 3;"
        "ShearY .5 8, TranslateY .7 9; AutoContrast .5 -, Equalize .9 -; ShearY .2 7, Posterize .3 7;"
        "Color .4 3, Brightness .6 7; Sharpness .3 9, Brightness .7 9; Equalize .6 -, Equalize .5 -;"
        "Contrast .6 7, Sharpness .6 5; Color .7 7, TranslateX .5 8; Equalize .3 -, AutoContrast .4 -;"
        "TranslateY .4 3, Sharpness .2 6; Brightness .9 6, Color .2 8; Solarize .5 2, Invert 0 -;"
        "Equalize .2 -, AutoContrast .6 -; Equalize .2 -, Equalize .6 -; Color .9 9, Equalize .6 -;"
        "AutoContrast .8 -, Solarize .2 8; Brightness .1 3, Color .7 0; Solarize .4 5, AutoContrast .9 -;"
        "TranslateY .9 9, TranslateY .7 9; AutoContrast .9 -, Solarize .8 3; Equalize .8 -, Invert .1 -;"
        "TranslateY .7 9, AutoContrast .9 -"
    ),
    "svhn": _policy(
        "ShearX .9 4, Invert .2 -; ShearY .9 8, Invert .7 -; Equalize .6 -, Solarize .6 6;"
        "Invert .9 -, Equalize .6 -; Equalize .6 -, Rotate .9 3; ShearX .9 4, AutoContrast .8 -;"
        "ShearY .9 8, Invert .4 -; ShearY .9 5, Solarize .2 6; Invert .9 -, AutoContrast .8 -;"
        "Equalize .6 -, Rotate .9 3; ShearX .9 4, Solarize .3 3; ShearY .8 8, Invert .7 -;"
        "Equalize .9 -, TranslateY .6 6; Invert .9 -, Equalize .6 -; Contrast .3 3, Rotate .8 4;"
        "Invert .8 -, TranslateY 0 2; ShearY .7 6, Solarize .4 8; Invert .6 -, Rotate .8 4;"
        "ShearY .3 7, TranslateX .9 3; ShearX .1 6, Invert .6 -; Solarize .7 2, TranslateY .6 7;"
        "ShearY .8 4, Invert .8 -; ShearX .7 9, TranslateY .8 3; ShearY .8 5, AutoContrast .7 -;"
        "ShearX .7 2, Invert .1 -"
    ),
}
"""torchvision's AutoAugment policies: 25 sub-policies of two (operation, probability, bin) steps."""


class AutoAugment(_Policy):
    """AutoAugment (Cubuk et al., 2018): torchvision v2's learned policies.

    Each image gets one of the policy's 25 sub-policies, drawn uniformly; each of its two steps
    runs with its own probability at its fixed bin of a 10-bin table (RandAugment's ranges, plus
    invert); signed magnitudes take either sign with probability 1/2.

    Args:
        policy: ``"imagenet"``, ``"cifar10"`` or ``"svhn"`` (or torchvision's ``AutoAugmentPolicy``).
        interpolation: of the geometric operations: ``"nearest"``, ``"bilinear"``, ``"bicubic"``
            or an OpenCV code 0, 1 or 2.
        fill: value of the area uncovered by geometric operations: ``None`` (0), a number or one per
            channel.
        p: probability of applying the transform.

    >>> import numpy as np, xalbu as A
    >>> img = np.full((8, 8, 3), 100, np.uint8)
    >>> A.Compose([A.AutoAugment(policy="imagenet")], seed=0)(image=img)["image"].shape
    (8, 8, 3)
    """

    BINS: ClassVar[int] = 10
    _pixel_ops = tuple(range(6, len(OPS)))

    @classmethod
    def examples(cls, height: int, width: int, dtype: str = "uint8") -> list[dict[str, Any]]:
        return [{}, {"policy": "cifar10", "interpolation": "bilinear"}, {"policy": "svhn", "fill": 255}]

    def __init__(
        self, policy: Any = "imagenet", interpolation: Any = "nearest", fill: Any = None, p: float = 1.0
    ) -> None:
        super().__init__(p)
        if isinstance(getattr(policy, "value", None), str):  # torchvision's AutoAugmentPolicy
            policy = policy.value
        self.policy = check_choice("policy", policy, tuple(POLICIES))
        self._set_common(interpolation, fill)

    def sample(self, rng: np.random.Generator, shape: tuple[int, int], n: int | None) -> PolicyParams:
        ops_t, probs_t, bins_t = POLICIES[self.policy]
        size = (2,) if n is None else (n, 2)
        pick = rng.integers(0, len(ops_t), None if n is None else n)
        ops, bins = ops_t[pick], bins_t[pick]
        runs = rng.random(size) <= probs_t[pick]
        table = magnitude_table("standard", self.BINS, *shape)
        mags = self._draw(rng, table, ops, bins, size)
        return PolicyParams(np.where(runs, ops, 0), np.where(runs, mags, 0.0))
