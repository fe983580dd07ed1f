"""Compositions: ``Compose`` (the pipeline), ``OneOf``, ``SomeOf``, ``RandomOrder``, ``OneOrOther``,
``Sequential``.

In a batch every composition decides per sample: it narrows ``state.gate`` (the samples active in
a branch) and runs its children over the whole batch, so no Python loop runs per sample.
"""

from __future__ import annotations

import dataclasses
import re
import warnings
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from .fusion import flush_affine
from .reading import Reader
from .replay import check_like, decode
from .rng import RngHolder
from .state import TARGET_KINDS, Restore, State
from .targets import BboxParams, KeypointParams
from .torch_interop import cuda_stream
from .transform import BasicTransform
from .validation import check_bool, check_int, check_interpolation, check_p, show
from .writing import finish_outputs, write_outputs

Node = Any  # a BasicTransform or a BaseCompose

_PATH_PART = re.compile(r"transforms\[(\d+)\]")
_STEP_KEYS = frozenset({"path", "transform", "shape", "params", "applied"})


def _record_steps(record: Any) -> list[Any]:
    """The steps of a record: the ``"applied_transforms"`` list, or a ReplayCompose ``"replay"`` dict."""
    if isinstance(record, Mapping) and "applied_transforms" in record:
        record = record["applied_transforms"]
    if not isinstance(record, (list, tuple)):
        raise TypeError(
            f"record: expected the list a pipeline returned under 'applied_transforms', got {type(record).__name__}"
        )
    return list(record)


def _as_nodes(transforms: Any, name: str = "transforms") -> list[Node]:
    """``transforms`` as a list of transforms and compositions (one transform alone is wrapped)."""
    if isinstance(transforms, (BasicTransform, BaseCompose)):
        return [transforms]
    if isinstance(transforms, (str, bytes, bytearray, Mapping)) or not isinstance(transforms, Iterable):
        raise TypeError(
            f"{name}: expected a list of transforms and compositions (or one of them), got "
            f"{show(transforms)} ({type(transforms).__name__})"
        )
    out = list(transforms)
    for i, t in enumerate(out):
        _check_node(f"{name}[{i}]", t)
    return out


def _check_node(name: str, node: Any) -> None:
    if not isinstance(node, (BasicTransform, BaseCompose)):
        hint = " (pass an instance: HorizontalFlip(), not HorizontalFlip)" if isinstance(node, type) else ""
        raise TypeError(f"{name}: expected a transform or composition, got {type(node).__name__}{hint}")


class BaseCompose:
    """A node holding child transforms; ``p`` gates the whole node."""

    def __init__(self, transforms: Sequence[Node], p: float = 1.0) -> None:
        self.transforms = _as_nodes(transforms)
        self.p = check_p(p)

    def __len__(self) -> int:
        return len(self.transforms)

    def __getitem__(self, i: int) -> Node:
        return self.transforms[i]

    def __repr__(self) -> str:
        inner = ",\n  ".join(repr(t).replace("\n", "\n  ") for t in self.transforms)
        return f"{type(self).__name__}([\n  {inner}\n], p={self.p})"

    # ---------------------------------------------------------------- gating
    def _gate(self, state: State, rng: np.random.Generator, force: bool) -> np.ndarray | bool:
        """This node's own draw: a bool for one image, a per-sample mask for a batch."""
        p = 1.0 if force else self.p
        if state.batch is None:
            return p >= 1.0 or (p > 0.0 and rng.random() < p)
        gate = np.ones(state.batch, bool) if state.gate is None else state.gate.copy()
        if p < 1.0:
            gate &= rng.random(state.batch) < p
        return gate

    @staticmethod
    def _run_gated(
        child: Node, state: State, rng: np.random.Generator, gate: np.ndarray, force: bool
    ) -> None:
        saved = state.gate
        state.gate = gate
        try:
            child._run(state, rng, force)
        finally:
            state.gate = saved

    def _weights(self) -> np.ndarray:
        ps = np.array([t.p for t in self.transforms], np.float64)
        total = ps.sum()
        return ps / total if total > 0 else np.full(len(ps), 1.0 / max(len(ps), 1))

    def _run_sequence(self, state: State, rng: np.random.Generator, gate: np.ndarray | bool) -> None:
        if state.batch is None:
            if gate:
                for t in self.transforms:
                    t._run(state, rng)
        elif gate.any():
            for t in self.transforms:
                self._run_gated(t, state, rng, gate, False)

    def _run(self, state: State, rng: np.random.Generator, force: bool = False) -> None:
        self._run_sequence(state, rng, self._gate(state, rng, force))


class Sequential(BaseCompose):
    """Run all children in order (each with its own ``p``) when this node fires.

    >>> import numpy as np, xalbu as A
    >>> both = A.Compose([A.Sequential([A.HorizontalFlip(p=1), A.VerticalFlip(p=1)], p=1)])
    >>> both(image=np.array([[1, 2], [3, 4]], np.uint8))["image"].tolist()
    [[4, 3], [2, 1]]
    """

    def __init__(self, transforms: Sequence[Node], p: float = 0.5) -> None:
        super().__init__(transforms, p)


class OneOf(BaseCompose):
    """Run exactly one child, chosen with the children's ``p`` as weights (the child is forced).

    >>> import numpy as np, xalbu as A
    >>> flip = A.Compose([A.OneOf([A.HorizontalFlip(p=0.25), A.VerticalFlip(p=0.75)], p=1)], seed=0)
    >>> flip(image=np.array([[1, 2], [3, 4]], np.uint8))["image"].tolist() in ([[2, 1], [4, 3]], [[3, 4], [1, 2]])
    True
    """

    def __init__(self, transforms: Sequence[Node], p: float = 0.5) -> None:
        super().__init__(transforms, p)

    def _run(self, state: State, rng: np.random.Generator, force: bool = False) -> None:
        if not self.transforms:
            return
        gate = self._gate(state, rng, force)
        w = self._weights()
        if state.batch is None:
            if gate:
                self.transforms[int(rng.choice(len(w), p=w))]._run(state, rng, True)
            return
        pick = rng.choice(len(w), size=state.batch, p=w)
        for i, t in enumerate(self.transforms):
            g = gate & (pick == i)
            if g.any():
                self._run_gated(t, state, rng, g, True)


class SomeOf(BaseCompose):
    """Pick ``n`` children (weights: their ``p``); run them in list order, each with its own ``p``.

    >>> import numpy as np, xalbu as A
    >>> two = A.Compose([A.SomeOf([A.HorizontalFlip(p=1), A.InvertImg(p=1), A.NoOp(p=1)], n=2, p=1)], seed=0)
    >>> two(image=np.zeros((2, 2, 3), np.uint8))["image"].shape
    (2, 2, 3)
    """

    _shuffle = False

    def __init__(self, transforms: Sequence[Node], n: int = 1, replace: bool = False, p: float = 1.0) -> None:
        super().__init__(transforms, p)
        self.n = check_int("n", n, 0)
        self.replace = check_bool("replace", replace)
        if not self.replace and self.n > len(self.transforms):
            raise ValueError(
                f"n: expected at most {len(self.transforms)} (the number of transforms) when replace=False, got {n}"
            )

    def _picks(self, rng: np.random.Generator, count: int) -> np.ndarray:
        """``(count, n)`` child indices, each row drawn with the children's ``p`` as weights.

        One image draws as ``Generator.choice``; a batch draws every row at once: with replacement
        in one ``choice`` call, without by Efraimidis and Spirakis' keys (the ``n`` largest of
        ``log(U) / w``), which gives exactly the distribution of successive weighted draws, as
        ``choice`` does, with no Python loop over the samples.
        """
        w = self._weights()
        if count == 1:
            picks = rng.choice(len(w), size=self.n, replace=self.replace, p=w).reshape(1, self.n)
        elif self.replace:
            picks = rng.choice(len(w), size=(count, self.n), p=w)
        else:
            if np.count_nonzero(w) < self.n:
                raise ValueError("Fewer non-zero entries in p than size")  # Generator.choice's refusal
            with np.errstate(divide="ignore"):
                keys = np.log(rng.random((count, len(w)))) / w  # zero weights: -inf, never picked
            picks = np.argsort(-keys, axis=1, kind="stable")[:, : self.n]
        picks = picks.astype(np.intp, copy=False)
        return picks if self._shuffle else np.sort(picks, axis=1)

    def _run(self, state: State, rng: np.random.Generator, force: bool = False) -> None:
        if not self.transforms or self.n == 0:
            return
        gate = self._gate(state, rng, force)
        if state.batch is None:
            if gate:
                for i in self._picks(rng, 1)[0]:
                    self.transforms[int(i)]._run(state, rng)
            return
        picks = self._picks(rng, state.batch)
        for j in range(self.n):
            for i, t in enumerate(self.transforms):
                g = gate & (picks[:, j] == i)
                if g.any():
                    self._run_gated(t, state, rng, g, False)


class RandomOrder(SomeOf):
    """Run ``n`` children (default: all) in a random order, each with its own ``p``.

    >>> import numpy as np, xalbu as A
    >>> shuffled = A.Compose([A.RandomOrder([A.HorizontalFlip(p=1), A.Solarize(p=1)], p=1)], seed=0)
    >>> shuffled(image=np.array([[0, 200]], np.uint8))["image"].tolist()  # either order: same result
    [[55, 0]]
    """

    _shuffle = True

    def __init__(
        self, transforms: Sequence[Node], n: int | None = None, replace: bool = False, p: float = 1.0
    ) -> None:
        transforms = _as_nodes(transforms)
        super().__init__(transforms, len(transforms) if n is None else n, replace, p)


class OneOrOther(BaseCompose):
    """With probability ``p`` run ``first``, else ``second`` (forced).

    >>> import numpy as np, xalbu as A
    >>> pick = A.Compose([A.OneOrOther(A.HorizontalFlip(p=1), A.VerticalFlip(p=1), p=1)])
    >>> pick(image=np.array([[1, 2], [3, 4]], np.uint8))["image"].tolist()  # p=1: always the first
    [[2, 1], [4, 3]]
    """

    def __init__(
        self,
        first: Node | None = None,
        second: Node | None = None,
        transforms: Sequence[Node] | None = None,
        p: float = 0.5,
    ) -> None:
        if transforms is None:
            if first is None or second is None:
                raise ValueError("first, second: pass both (or transforms=[first, second])")
            _check_node("first", first)
            _check_node("second", second)
            transforms = [first, second]
        transforms = _as_nodes(transforms)
        if len(transforms) != 2:
            raise ValueError(f"transforms: expected exactly 2 transforms, got {len(transforms)}")
        super().__init__(transforms, p)

    def _run(self, state: State, rng: np.random.Generator, force: bool = False) -> None:
        first, second = self.transforms
        if state.batch is None:
            chosen = first if rng.random() < self.p else second
            chosen._run(state, rng, True)
            return
        base = np.ones(state.batch, bool) if state.gate is None else state.gate
        take_first = rng.random(state.batch) < self.p
        for t, g in ((first, base & take_first), (second, base & ~take_first)):
            if g.any():
                self._run_gated(t, state, rng, g, True)


class Compose(BaseCompose):
    """The pipeline: ``Compose(transforms, bbox_params=..., keypoint_params=...)(image=..., ...)``.

    Args:
        transforms: transforms and compositions, applied in order.
        bbox_params: :class:`BboxParams` (or a dict of its arguments) when passing ``bboxes``.
        keypoint_params: :class:`KeypointParams` (or a dict) when passing ``keypoints``.
        additional_targets: extra keyword targets and their kind, e.g. ``{"image2": "image"}``.
        p: probability of running the pipeline at all.
        seed: seed of the pipeline's random stream (reproducible runs; distinct per worker process).
        strict: raise on unknown keyword targets instead of passing them through unchanged.
        save_applied_params: add ``"applied_transforms"`` to each result: what ran, with which
            parameters (plain, JSON-serializable data; see :meth:`replay` and ``xalbu/core/replay.py``).
        fuse_affine: apply consecutive affine-kind transforms (flips, crops, resizes, Affine, Rotate,
            Perspective...) that share border settings as one warp through the product of their
            matrices: one interpolation instead of several, and one pass over the pixels. The draws
            are the same; the result differs from step by step within interpolation error, and
            where an intermediate step would have cut content off and a later one brought the
            area back, the fused warp shows the image there instead of fill (see
            docs/fusion.md). Off by default: results then match albumentations' step by step.
        is_check_shapes: albumentations' switch for letting images and masks of different sizes
            through. Accepted and kept either way, but xalbu moves every target with one geometry,
            so images and masks of one call must share their height and width even with ``False``
            (a mismatch raises at call time, naming the target).
        mask_interpolation: albumentations' pipeline-wide override: when not ``None``, an OpenCV code
            (0 nearest, 1 linear, 2 cubic, 3 area, 4 lanczos4) set, at construction, as the
            ``mask_interpolation`` of every transform in the pipeline (nested ones too) that takes
            that argument, replacing its own (in place, as albumentations does: a transform shared
            with another pipeline changes there too); ``None`` keeps each transform's setting.

    Every argument is checked when the pipeline is built (booleans must be ``True``/``False``, numbers
    finite), and errors name the argument.

    >>> import numpy as np, xalbu as A
    >>> pipe = A.Compose([A.HorizontalFlip(p=1)], seed=0)
    >>> pipe(image=np.arange(6, dtype=np.uint8).reshape(2, 3))["image"].tolist()
    [[2, 1, 0], [5, 4, 3]]
    """

    def __init__(
        self,
        transforms: Sequence[Node],
        bbox_params: BboxParams | Mapping[str, Any] | None = None,
        keypoint_params: KeypointParams | Mapping[str, Any] | None = None,
        additional_targets: Mapping[str, str] | None = None,
        p: float = 1.0,
        seed: int | None = None,
        strict: bool = False,
        save_applied_params: bool = False,
        fuse_affine: bool = False,
        is_check_shapes: bool = True,
        mask_interpolation: int | None = None,
    ) -> None:
        super().__init__(transforms, p)
        bbox_params = _params_arg("bbox_params", bbox_params, BboxParams)
        keypoint_params = _params_arg("keypoint_params", keypoint_params, KeypointParams)
        _check_format_last(self.transforms)
        self.bbox_params = bbox_params
        self.keypoint_params = keypoint_params
        for target, given in (("bboxes", bbox_params), ("keypoints", keypoint_params)):
            if given is not None and not any(_moves(t, target) for t in self.transforms):
                warnings.warn(  # albumentations' words, for code that filters them
                    f"Got processor for {target}, but no transform to process it.", UserWarning, stacklevel=2
                )
        self.additional_targets = _check_targets("additional_targets", additional_targets)
        self.strict = check_bool("strict", strict)
        self.save_applied_params = check_bool("save_applied_params", save_applied_params)
        self.fuse_affine = check_bool("fuse_affine", fuse_affine)
        # kept as given (albumentations' files and repr carry it); targets still share one geometry
        self.is_check_shapes = check_bool("is_check_shapes", is_check_shapes)
        self.mask_interpolation = (
            None
            if mask_interpolation is None
            else check_interpolation("mask_interpolation", mask_interpolation)
        )
        if self.mask_interpolation is not None:
            _set_mask_interpolation(self.transforms, self.mask_interpolation)
        if seed is not None:
            seed = check_int("seed", seed, 0)
        self.seed = seed
        self._rng = RngHolder(seed)
        self._reader = self._make_reader()

    def _make_reader(self) -> Reader:
        kinds = {k: k for k in TARGET_KINDS}
        for name, kind in self.additional_targets.items():
            if kind not in TARGET_KINDS:
                raise ValueError(
                    f"additional_targets[{name!r}]: expected one of {list(TARGET_KINDS)}, got {kind!r}"
                )
            kinds[name] = kind
        return Reader(kinds, self.bbox_params, self.keypoint_params, self.strict)

    def add_targets(self, additional_targets: Mapping[str, str]) -> None:
        """Declare more keyword targets (``{"image2": "image", ...}``)."""
        self.additional_targets.update(_check_targets("additional_targets", additional_targets))
        self._reader = self._make_reader()

    def set_random_seed(self, seed: int | None) -> None:
        """Restart the random stream from ``seed``."""
        if seed is not None:
            seed = check_int("seed", seed, 0)
        self.seed = seed
        self._rng.reset(seed)

    # ---------------------------------------------------------------- calls
    def __call__(self, *args: Any, force_apply: bool = False, **data: Any) -> dict[str, Any]:
        """Augment one image (and its targets) and return a dict with the same keys."""
        if args:
            raise TypeError("pass targets by keyword, e.g. pipeline(image=img, mask=mask)")
        state, restore = self._reader.read(data, False)
        if restore.tensor is None:
            return self._finish(state, restore, False, force_apply)
        with cuda_stream(restore.tensor):  # CUDA tensors: on torch's current stream
            return self._finish(state, restore, False, force_apply)

    def batch(self, *args: Any, **data: Any) -> dict[str, Any]:
        """Augment a batch with independent random parameters per sample.

        ``images`` is (N, H, W[, C]); ``masks`` (N, H, W[, C]); ``bboxes``/``keypoints`` and label
        fields are lists of N per-sample lists or arrays. Returns the same structure.

        >>> import numpy as np, xalbu as A
        >>> out = A.Compose([A.HorizontalFlip(p=0.5)], seed=1).batch(images=np.zeros((4, 8, 8, 3), np.uint8))
        >>> out["images"].shape
        (4, 8, 8, 3)
        """
        if args:
            raise TypeError("pass targets by keyword, e.g. pipeline.batch(images=batch)")
        if "images" not in data and "masks" not in data:
            raise ValueError("images: a batch needs images=(N, H, W[, C]) (or masks=...)")
        state, restore = self._reader.read(data, True)
        with cuda_stream(restore.tensor):  # CUDA tensors: on torch's current stream
            return self._finish(state, restore, True, False)

    def _outputs(self, state: State, restore: Restore) -> dict[str, Any]:
        if state.pending is not None:
            flush_affine(state)  # fused affine steps still waiting at the end of the pipeline
        return finish_outputs(state, restore, self._reader.kinds)

    def _finish(self, state: State, restore: Restore, batch: bool, force: bool) -> dict[str, Any]:
        if self.save_applied_params:
            state.record = []
        state.fuse = self.fuse_affine
        rng = self._rng.get()
        if state.batch is None and (force or self.p >= 1.0):
            for t in self.transforms:  # the common case, without the gate's frames
                t._run(state, rng)
        else:
            self._run(state, rng, force)
        # runs for every call: the plain case writes the outputs directly
        if state.pending is None and state.layout is None:
            out = write_outputs(state, restore)
        else:
            out = self._outputs(state, restore)
        if state.record is not None:
            out[self._record_key()] = self._finish_record(state.record, batch=batch)
        return out

    # ---------------------------------------------------------------- replay
    def replay(self, record: Any, **data: Any) -> dict[str, Any]:
        """Apply a record of ``pipeline(...)`` (``save_applied_params=True``) to one sample.

        Every recorded step runs with its recorded parameters (no sampling, the random stream is
        untouched), so the same data gives the same result bit for bit, and other data of the same
        size gets exactly the same augmentation. ``record`` is the ``"applied_transforms"`` list (or
        its JSON round trip); it must come from a pipeline of the same structure.

        >>> import numpy as np, xalbu as A
        >>> pipe = A.Compose([A.HorizontalFlip(), A.RandomGamma()], save_applied_params=True)
        >>> img = np.arange(6, dtype=np.uint8).reshape(2, 3)
        >>> out = pipe(image=img)
        >>> again = pipe.replay(out["applied_transforms"], image=img)
        >>> bool((again["image"] == out["image"]).all())
        True
        """
        return self._replay(record, data, batch=False)

    def replay_batch(self, record: Any, **data: Any) -> dict[str, Any]:
        """Apply a record of ``pipeline.batch(...)`` to a batch of the same size (see :meth:`replay`)."""
        if "images" not in data and "masks" not in data:
            raise ValueError("images: a batch needs images=(N, H, W[, C]) (or masks=...)")
        return self._replay(record, data, batch=True)

    def _record_key(self) -> str:
        return "applied_transforms"

    def _node_paths(self) -> dict[int, str]:
        """``id(node) -> "transforms[i].transforms[j]"`` for every node (the first place it appears)."""
        paths: dict[int, str] = {}

        def walk(node: BaseCompose, prefix: str) -> None:
            for i, child in enumerate(node.transforms):
                path = f"{prefix}transforms[{i}]"
                paths.setdefault(id(child), path)
                if isinstance(child, BaseCompose):
                    walk(child, path + ".")

        walk(self, "")
        return paths

    def _finish_record(self, steps: list[tuple[Any, dict[str, Any]]], batch: bool) -> Any:
        paths = self._node_paths()
        out = []
        for node, step in steps:
            path = paths.get(id(node))
            if path is None:
                raise RuntimeError(f"{type(node).__name__} ran but is not part of this pipeline")
            out.append({"path": path, **step})
        return out

    def _node_at(self, path: Any, where: str) -> BasicTransform:
        node: Node = self
        if not isinstance(path, str) or not path:
            raise ValueError(f"{where}: expected a path like 'transforms[0]', got {path!r}")
        walked = ""
        for part in path.split("."):
            m = _PATH_PART.fullmatch(part)
            if m is None:
                raise ValueError(
                    f"{where}: malformed path {path!r} (expected 'transforms[i].transforms[j]...')"
                )
            if not isinstance(node, BaseCompose):
                raise ValueError(
                    f"{where}: no transform at {path!r} in this pipeline ({walked} is a {type(node).__name__}, "
                    "not a composition); the record comes from a different pipeline"
                )
            i = int(m.group(1))
            if i >= len(node.transforms):
                holder = walked or "the pipeline"
                raise ValueError(
                    f"{where}: no transform at {path!r} in this pipeline ({holder} holds {len(node.transforms)}); "
                    "the record comes from a different pipeline"
                )
            node = node.transforms[i]
            walked = f"{walked}.{part}" if walked else part
        if not isinstance(node, BasicTransform):
            raise ValueError(
                f"{where}: {path!r} is a {type(node).__name__} in this pipeline, not a transform; the record "
                "comes from a different pipeline"
            )
        return node

    def _replay(self, record: Any, data: dict[str, Any], batch: bool) -> dict[str, Any]:
        plan = []
        for i, step in enumerate(_record_steps(record)):
            where = f"record[{i}]"
            if not isinstance(step, Mapping) or not _STEP_KEYS <= set(step):
                raise ValueError(f"{where}: expected a dict with the keys {sorted(_STEP_KEYS)}, got {step!r}")
            node = self._node_at(step["path"], where)
            if type(node).__name__ != step["transform"]:
                raise ValueError(
                    f"{where}: the record has {step['transform']} at {step['path']!r}, this pipeline has "
                    f"{type(node).__name__} there; the record comes from a different pipeline"
                )
            if (step["applied"] is None) == batch:
                made, use = (
                    ("pipeline.batch(...)", "replay_batch") if batch is False else ("pipeline(...)", "replay")
                )
                raise ValueError(f"{where}: the record comes from {made}; replay it with pipeline.{use}(...)")
            _check_step(step, where)
            plan.append(
                (where, node, step, decode(step["params"], step.get("types"), f"{where} params", node))
            )
        state, restore = self._reader.read(data, batch=batch)
        state.fuse = self.fuse_affine
        with cuda_stream(restore.tensor):  # the final fused warp too: on torch's current stream
            self._apply_plan(plan, state, batch)
            return self._outputs(state, restore)

    @staticmethod
    def _apply_plan(plan: list[tuple[str, Any, Any, Any]], state: State, batch: bool) -> None:
        for where, node, step, params in plan:
            shape = tuple(step["shape"])
            if shape != state.shape:
                raise ValueError(
                    f"{where}: {step['transform']} at {step['path']!r} was recorded on a {shape[0]}x{shape[1]} "
                    f"image, here it gets {state.shape[0]}x{state.shape[1]}; a record replays on data of the "
                    "size it was made on"
                )
            applied = None
            if batch:
                mask = np.asarray(step["applied"], bool)
                if mask.shape != (state.batch,):
                    raise ValueError(
                        f"{where}: the record is for a batch of {mask.size} samples, got {state.batch}"
                    )
                if not mask.any():
                    continue
                applied = None if mask.all() else mask
            check_like(params, _fresh_params(node, state), f"{where} params")
            if state.pending is not None and node.kind != "affine":
                flush_affine(state)
            saved, state.gate = state.gate, applied
            try:
                node._apply(state, params, applied)
            finally:
                state.gate = saved

    def __getstate__(self) -> dict[str, Any]:
        return dict(self.__dict__)


def _check_step(step: Mapping[str, Any], where: str) -> None:
    """A record step's ``shape`` (``[height, width]``) and ``applied`` (None, or one bool per sample)."""
    shape = step["shape"]
    if not (
        isinstance(shape, (list, tuple))
        and len(shape) == 2
        and all(isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in shape)
    ):
        raise ValueError(f"{where}: shape: expected [height, width] (positive integers), got {show(shape)}")
    applied = step["applied"]
    if applied is not None and not (
        isinstance(applied, (list, tuple)) and all(isinstance(a, (bool, np.bool_)) for a in applied)
    ):
        raise ValueError(
            f"{where}: applied: expected one true/false per sample of the batch, got {show(applied)}"
        )


_THROWAWAY = np.random.default_rng(0)  # for _fresh_params (creating a Generator costs ~5 us)


def _fresh_params(node: BasicTransform, state: State) -> Any:
    """Parameters ``node`` draws now for this step (from a throwaway generator): the form a recorded
    step's parameters must have. ``None`` (nothing to compare) for transforms without a declared
    ``Params`` class (albumentations-style subclasses draw through user code)."""
    if not isinstance(getattr(type(node), "Params", None), type):
        return None
    rng = _THROWAWAY  # its values are never used, only their form: one generator serves every step
    try:
        if type(node).sample is not BasicTransform.sample:
            return node.sample(rng, state.shape, state.batch)
        return node.sample_data(rng, state)
    except (TypeError, ValueError):  # cannot draw here: the replay itself will say why
        return None


def _params_arg(name: str, value: Any, cls: type) -> Any:
    """``bbox_params``/``keypoint_params``: None, an instance of ``cls`` or a dict of its arguments."""
    if value is None or isinstance(value, cls):
        return value
    if not isinstance(value, Mapping):
        raise TypeError(
            f"{name}: expected {cls.__name__}, a dict of its arguments or None, got {show(value)}"
        )
    fields = [f.name for f in dataclasses.fields(cls)]
    unknown = [str(k) for k in value if k not in fields]
    if unknown:
        raise TypeError(f"{name}: unknown argument(s) {unknown} for {cls.__name__}; it takes {fields}")
    return cls(**value)


def _check_targets(name: str, value: Any) -> dict[str, str]:
    """``additional_targets``: None or a dict ``{keyword: kind}`` (kinds checked by ``_make_reader``)."""
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise TypeError(f"{name}: expected a dict like {{'image2': 'image'}}, got {show(value)}")
    for key in value:
        if not isinstance(key, str) or not key:
            raise TypeError(f"{name}: keys are keyword names (like 'image2'), got {show(key)}")
    return dict(value)


def _set_mask_interpolation(nodes: Sequence[Node], value: int) -> None:
    """albumentations' ``Compose(mask_interpolation=...)``: every transform in ``nodes`` (nested ones
    too) that takes ``mask_interpolation`` (holds it as its own attribute) gets ``value``."""
    stack = list(nodes)
    while stack:
        node = stack.pop()
        if isinstance(node, BaseCompose):
            stack.extend(node.transforms)
        elif "mask_interpolation" in vars(node):
            node.mask_interpolation = value


def _moves(t: Any, target: str) -> bool:
    """Whether ``t`` (or a step inside it) can change ``target`` (boxes, keypoints): what
    albumentations' ``available_keys`` tells for its "no transform to process it" warning."""
    if isinstance(t, BaseCompose):
        return any(_moves(c, target) for c in t.transforms)
    if t.kind == "pixel":
        return False
    if t.kind == "custom":
        return target in (getattr(t, "targets", None) or {})
    return True


def _check_format_last(transforms: Sequence[Node]) -> None:
    """``ToTensorV2`` (kind ``"format"``) may only be the last transform at the top of a Compose."""
    stack = [(list(transforms), "transforms", True)]
    while stack:
        items, path, top = stack.pop()
        for i, t in enumerate(items):
            if isinstance(t, BaseCompose):
                stack.append((list(t.transforms), f"{path}[{i}].transforms", False))
            elif getattr(t, "kind", None) == "format" and not (top and i == len(items) - 1):
                raise ValueError(
                    f"{path}[{i}]: {type(t).__name__} changes the outputs to tensors, so it must be the last "
                    "transform of the Compose (not inside OneOf/SomeOf/Sequential, nothing after it)"
                )
