"""Mixing transforms: several samples in, one out (the ``mix`` kind, :mod:`xalbu.core.mix`).

- :class:`MixUp` and :class:`CutMix` (torchvision v2 / kornia have them, albumentations 2.0.8 has
  not): batch-native. In ``pipeline.batch(images=...)`` every applied sample gets a partner drawn on
  the host from the same batch and its own ``lambda ~ Beta(alpha, alpha)``; all images of the batch
  mix in one kernel call. One image (``pipeline(image=...)``) takes its partner from the list passed
  under ``metadata_key``.
- :class:`Mosaic` and :class:`OverlayElements`: albumentations 2.0.8's (defined in
  :mod:`._mixing_mosaic`, re-exported here).

Each call reports (``state.outputs``, added to the call's result by the writer), besides its
targets, ``mix_partners`` (the partner of each sample: its batch
index, or its index in the metadata list; a sample that is not applied is its own partner),
``mix_lambdas`` (the weight of each sample's own pixels: 1 where not applied) and, with
``num_classes`` and integer class labels under ``label_key``, ``mix_targets``: soft one-hot labels
``lam * onehot(own) + (1 - lam) * onehot(partner)`` as torchvision computes them.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

import numpy as np
from array_api_compat import array_namespace

from ..core.mix import MixTransform
from ..core.state import State
from ..core.validation import check_int, check_number
from ..functional import mixing as F
from ._mixing_mosaic import Mosaic, MosaicParams, OverlayElements, OverlayParams  # noqa: F401

__all__ = ["CutMix", "MixUp", "Mosaic", "OverlayElements"]


def soft_targets(labels: Any, partners: Any, lambdas: Any, num_classes: int) -> np.ndarray:
    """``lam * onehot(labels) + (1 - lam) * onehot(labels[partners])`` as float32 (N, num_classes).

    >>> soft_targets([0, 2], [1, 0], [0.75, 1.0], 3).tolist()
    [[0.75, 0.0, 0.25], [0.0, 0.0, 1.0]]
    """
    lab = np.asarray(labels).reshape(-1)
    if lab.dtype.kind not in "iu" or (lab.size and (lab.min() < 0 or lab.max() >= num_classes)):
        raise ValueError(f"mix labels: expected integer classes in [0, {num_classes}), got {lab.tolist()}")
    eye = np.eye(num_classes, dtype=np.float32)
    lam = np.asarray(lambdas, np.float32).reshape(-1, 1)
    return lam * eye[lab] + (1 - lam) * eye[lab[np.asarray(partners).reshape(-1)]]


class _LabelMix(MixTransform):
    """MixUp and CutMix's shared arguments, partner outputs and soft labels."""

    _abstract = True

    def __init__(
        self,
        alpha: float = 1.0,
        num_classes: int | None = None,
        label_key: str = "class_labels",
        metadata_key: str = "mix_data",
        p: float = 0.5,
    ) -> None:
        super().__init__(metadata_key, p)
        self.alpha = check_number("alpha", alpha, 0.0)
        if self.alpha <= 0:
            raise ValueError(f"alpha: expected a value > 0, got {alpha!r}")
        self.num_classes = None if num_classes is None else check_int("num_classes", num_classes, 1)
        if not isinstance(label_key, str):
            raise TypeError(f"label_key: expected a string, got {type(label_key).__name__}")
        self.label_key = label_key

    benchmark_inputs = ("metadata",)

    @classmethod
    def examples(cls, height: int, width: int, dtype: str = "uint8") -> list[dict[str, Any]]:
        return [{}, {"alpha": 0.4, "num_classes": 10}]

    @classmethod
    def benchmark_metadata(cls, sample: dict[str, Any]) -> dict[str, Any]:
        """One partner for one image: the sample flipped (its mask too; no boxes: the call may have no
        bbox_params)."""
        img = sample["image"]
        xp = array_namespace(img)
        partner: dict[str, Any] = {"image": xp.flip(img, axis=0)}
        if sample.get("mask") is not None:
            partner["mask"] = xp.flip(sample["mask"], axis=0)
        return {"mix_data": [partner]}

    def _lam(self, rng: np.random.Generator, n: int | None) -> Any:
        return float(rng.beta(self.alpha, self.alpha)) if n is None else rng.beta(self.alpha, self.alpha, n)

    def mix_outputs(
        self, state: State, partners: np.ndarray, params: Any, applied: np.ndarray | None
    ) -> dict:
        lam = np.asarray(params.lam, np.float64)
        extra = state.extra or {}
        if state.batch is None:
            idx = int(partners.reshape(-1)[0])
            out: dict[str, Any] = {"mix_partners": idx, "mix_lambdas": float(lam)}
            if self.num_classes is not None and self.label_key in extra:
                own = np.asarray(extra[self.label_key]).reshape(-1)
                partner = (extra[self.metadata_key][idx] or {}).get(self.label_key)
                if partner is None:
                    raise ValueError(
                        f"{self.metadata_key}[{idx}]: needs {self.label_key}=... (num_classes is set)"
                    )
                both = np.concatenate([own, np.asarray(partner).reshape(-1)])
                out["mix_targets"] = soft_targets(both, [1], [lam], self.num_classes)[0]
            return out
        n = state.batch
        part = partners[:, 0].astype(np.int64)
        lam = np.broadcast_to(lam, (n,)).astype(np.float64)
        if applied is not None:
            lam = np.where(applied, lam, 1.0)
        out = {"mix_partners": part, "mix_lambdas": lam}
        if self.num_classes is not None and self.label_key in extra:
            out["mix_targets"] = soft_targets(extra[self.label_key], part, lam, self.num_classes)
        return out


@dataclass
class MixUpParams:
    lam: Any


class MixUp(_LabelMix):
    """Blend each image with a partner: ``lam * image + (1 - lam) * partner``, ``lam ~ Beta(alpha, alpha)``.

    In a batch the partner is another sample of the batch (drawn on the host); for one image, an
    entry of the list under ``metadata_key``. Masks keep the sample's own mask; boxes and keypoints
    of both samples are kept (with their labels). The call also returns ``mix_partners``,
    ``mix_lambdas`` and, with ``num_classes`` and integer labels under ``label_key``, soft labels
    ``mix_targets`` (see the module docstring).

    Args:
        alpha: parameter of the Beta distribution lambda is drawn from (> 0).
        num_classes: number of classes for ``mix_targets`` (``None``: no soft labels).
        label_key: keyword holding the integer class of each sample (of the image, and of each
            metadata entry for one image).
        metadata_key: keyword holding the partners of one image (a list of dicts with ``image``...).
        p: probability of applying the transform (per sample in a batch).

    Example:
        >>> import numpy as np, xalbu as A
        >>> imgs = np.stack([np.full((4, 4, 3), v, np.uint8) for v in (0, 100, 200)])
        >>> out = A.Compose([A.MixUp(p=1.0)], seed=0).batch(images=imgs)
        >>> out["images"].shape
        (3, 4, 4, 3)
    """

    Params = MixUpParams

    def sample(self, rng: np.random.Generator, shape: tuple[int, int], n: int | None) -> MixUpParams:
        return MixUpParams(self._lam(rng, n))

    def mix_image(self, img: Any, partners: list[Any], params: MixUpParams) -> Any:
        return F.mixup(img, partners[0], params.lam)


@dataclass
class CutMixParams:
    box: Any  # (4,) or (N, 4) integer x_min, y_min, x_max, y_max of the pasted region
    lam: Any  # weight of the sample's own pixels: 1 - box area / image area


class CutMix(_LabelMix):
    """Paste a box of a partner into each image (CutMix), the box of area ``(1 - lam)`` of the image.

    As torchvision: ``lam ~ Beta(alpha, alpha)``, a centre drawn uniformly in the image, a box of
    half-sides ``int(0.5 * sqrt(1 - lam) * W)`` and ``... * H`` clipped to the image; ``lam`` is then
    corrected to ``1 - box area / image area``. Masks take the partner's mask inside the box; boxes
    of the sample are kept outside the box (their visible fraction reduced by the covered part, fully
    covered ones removed) and the partner's boxes are clipped to the box; keypoints: the sample's
    outside the box, the partner's inside. ``mix_partners``, ``mix_lambdas`` and ``mix_targets``
    come back as for :class:`MixUp`.

    Args:
        alpha: parameter of the Beta distribution lambda is drawn from (> 0).
        num_classes: number of classes for ``mix_targets`` (``None``: no soft labels).
        label_key: keyword holding the integer class of each sample.
        metadata_key: keyword holding the partners of one image (a list of dicts with ``image``...).
        p: probability of applying the transform (per sample in a batch).

    Example:
        >>> import numpy as np, xalbu as A
        >>> imgs = np.stack([np.full((8, 8, 1), v, np.uint8) for v in (0, 255)])
        >>> out = A.Compose([A.CutMix(p=1.0)], seed=3).batch(images=imgs)
        >>> sorted(np.unique(out["images"][0]).tolist()) in ([0], [0, 255], [255])
        True
    """

    Params = CutMixParams

    def sample(self, rng: np.random.Generator, shape: tuple[int, int], n: int | None) -> CutMixParams:
        h, w = shape
        lam0 = np.atleast_1d(self._lam(rng, n))
        m = len(lam0)
        cx = rng.integers(0, w, m)
        cy = rng.integers(0, h, m)
        r = 0.5 * np.sqrt(1.0 - lam0)
        half_w = (r * w).astype(np.int64)
        half_h = (r * h).astype(np.int64)
        box = np.stack(
            [
                np.maximum(cx - half_w, 0),
                np.maximum(cy - half_h, 0),
                np.minimum(cx + half_w, w),
                np.minimum(cy + half_h, h),
            ],
            axis=1,
        ).astype(np.int64)
        lam = 1.0 - (box[:, 2] - box[:, 0]) * (box[:, 3] - box[:, 1]) / float(w * h)
        if n is None:
            return CutMixParams(box[0], float(lam[0]))
        return CutMixParams(box, lam)

    def mix_image(self, img: Any, partners: list[Any], params: CutMixParams) -> Any:
        return F.cutmix(img, partners[0], params.box)

    def mix_mask(self, mask: Any, partners: list[Any], params: CutMixParams) -> Any:
        return F.cutmix(mask, partners[0], params.box)

    def mix_rows(self, own: Any, partners: list[Any], params: CutMixParams, kind: str) -> Any:
        box = np.asarray(params.box, np.float64).reshape(-1, 4)
        mine = own.take(np.flatnonzero(own.sample >= 0))  # a copy
        theirs = partners[0]
        if kind == "keypoints":
            keep_own = ~_inside(mine.xy, box[mine.sample])
            keep_partner = _inside(theirs.xy, box[theirs.sample])
            return own.concat(
                [mine.take(np.flatnonzero(keep_own)), theirs.take(np.flatnonzero(keep_partner))]
            )
        return own.concat([_outside_box(mine, box[mine.sample]), _inside_box(theirs, box[theirs.sample])])


def _inside(xy: np.ndarray, box: np.ndarray) -> np.ndarray:
    return (xy[:, 0] >= box[:, 0]) & (xy[:, 0] < box[:, 2]) & (xy[:, 1] >= box[:, 1]) & (xy[:, 1] < box[:, 3])


def _overlap(b: np.ndarray, box: np.ndarray) -> np.ndarray:
    lo = np.maximum(b[:, :2], box[:, :2])
    hi = np.minimum(b[:, 2:], box[:, 2:])
    return np.clip(hi - lo, 0, None).prod(axis=1)


def _outside_box(rows: Any, box: np.ndarray) -> Any:
    """The sample's boxes with the pasted region covering them: visible fraction reduced, fully
    covered ones removed."""
    b = rows.xyxy
    area = (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1])
    left = area - _overlap(b, box)
    keep = left > 0
    frac = np.divide(left, area, out=np.zeros_like(area), where=area > 0)
    return replace(rows, vis=rows.vis * frac).take(np.flatnonzero(keep))


def _inside_box(rows: Any, box: np.ndarray) -> Any:
    """The partner's boxes clipped to the pasted region (visible fraction tracked, empty ones removed)."""
    b = rows.xyxy
    area = (b[:, 2] - b[:, 0]) * (b[:, 3] - b[:, 1])
    clipped = np.concatenate([np.maximum(b[:, :2], box[:, :2]), np.minimum(b[:, 2:], box[:, 2:])], axis=1)
    c_area = np.clip(clipped[:, 2:] - clipped[:, :2], 0, None).prod(axis=1)
    keep = (c_area > 0) & (clipped[:, 2] > clipped[:, 0]) & (clipped[:, 3] > clipped[:, 1])
    frac = np.divide(c_area, area, out=np.zeros_like(area), where=area > 0)
    return replace(rows, xyxy=clipped, vis=rows.vis * frac).take(np.flatnonzero(keep))
