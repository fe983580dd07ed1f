"""Transform base classes, with albumentations' names and meaning, and the transform registry.

- :class:`BasicTransform`: the root of every transform. It holds ``p``, gates each call (and each
  sample of a batch), draws the parameters on the host and hands them to its kind. Its
  albumentations 2.x surface (``get_params``, ``get_params_dependent_on_data``, ``apply``,
  ``targets``, ``targets_as_params``, ``get_transform_init_args_names``...) is what users'
  subclasses implement; those run through ``core/bridge.py`` exactly as albumentations runs them.
- :class:`ImageOnlyTransform` and :class:`DualTransform`: albumentations' two classes for such
  subclasses (image targets only; every target).

xalbu's own transforms are written against kinds with names of their own, which subclass these:
``PixelTransform`` (``core/kinds.py``: only images change), ``AffineTransform`` (``core/affine.py``:
one 3x3 map moves every target), ``SpatialTransform`` (non-affine, per target), ``MixTransform``
(``core/mix.py``: several samples in, one out) and ``FormatTransform`` (ToTensorV2).

Sampling happens on the host with ``numpy.random.Generator``: ``sample(rng, shape, n)`` returns
scalars for one image (``n is None``) or length-``n`` arrays for a batch.
"""

from __future__ import annotations

import functools
import inspect
import random
from collections.abc import Callable, Mapping
from typing import Any, ClassVar, TypeVar

import numpy as np

from . import bridge
from .compat import Rule, constructor_kwargs
from .fusion import flush_affine
from .reading import Reader
from .replay import record_step
from .rng import RngHolder
from .state import IMAGE_DTYPES, TARGET_KINDS, State
from .torch_interop import cuda_stream
from .validation import check_p
from .writing import finish_outputs

TRANSFORMS: dict[str, type[BasicTransform]] = {}
"""xalbu's catalogue: every public transform class of ``xalbu.transforms`` by name."""

REGISTRY: dict[str, type[BasicTransform]] = {}
"""Every transform class ``from_dict`` can build, by name: the catalogue plus users' subclasses
(registered when they are defined, or with :func:`register_transform` under another name)."""

T = TypeVar("T", bound=type)

_DIRECT_READER = Reader({k: k for k in TARGET_KINDS}, None, None, False)
_NP_IMAGE_DTYPES = frozenset(np.dtype(t) for t in IMAGE_DTYPES)


def plain_array(value: Any, ndims: tuple[int, ...]) -> bool:
    """A non-empty NumPy array of an image dtype with ``ndims`` dimensions (what the direct-call
    shortcuts take; anything else goes through the reader, which checks it)."""
    return (
        type(value) is np.ndarray
        and value.ndim in ndims
        and value.dtype in _NP_IMAGE_DTYPES
        and value.size > 0
    )


def register_transform(cls: T | None = None, *, name: str | None = None) -> Any:
    """Make a transform class loadable by ``from_dict``/``load`` under ``name`` (default: its name).

    Subclasses register themselves under their class name when they are defined; this adds
    another name (e.g. the name a saved file uses), and works as a decorator.

    >>> import xalbu as A
    >>> @A.register_transform(name="LegacyNoOp")
    ... class MyNoOp(A.ImageOnlyTransform):
    ...     def apply(self, img, **params):
    ...         return img
    >>> type(A.from_dict({"transform": {"__class_fullname__": "LegacyNoOp", "p": 1.0}})).__name__
    'MyNoOp'
    """

    def deco(c: T) -> T:
        if not (isinstance(c, type) and issubclass(c, BasicTransform)):
            raise TypeError(f"register_transform: expected a BasicTransform subclass, got {c!r}")
        REGISTRY[name or c.__name__] = c
        return c

    return deco if cls is None else deco(cls)


def accept_albumentations_args(init: Callable[..., None]) -> Callable[..., None]:
    """Wrap a transform's ``__init__`` so that it takes the albumentations argument names its class
    declares (``albumentations_args`` and ``core.compat.ALBUMENTATIONS_COMMON``) as albumentations
    2.0.8's constructor takes them (see :func:`core.compat.constructor_kwargs`).

    A call whose keywords are all ``__init__``'s own costs one set check; ``inspect.signature``
    still reads the original signature (``__wrapped__``).
    """
    params = inspect.signature(init).parameters
    if any(p.kind is p.VAR_KEYWORD for p in params.values()):
        return init  # takes any keyword: nothing to intercept
    named = [n for n, p in params.items() if p.kind is not p.VAR_POSITIONAL][1:]  # without self
    takes = frozenset(named)
    positional = tuple(n for n in named if params[n].kind is not params[n].KEYWORD_ONLY)

    @functools.wraps(init)
    def __init__(self: Any, *args: Any, **kwargs: Any) -> None:
        try:
            if kwargs and not takes.issuperset(kwargs):
                given = {*positional[: len(args)], *kwargs}
                kwargs = constructor_kwargs(type(self), takes, given, kwargs)
            init(self, *args, **kwargs)
        except ArgumentError:
            raise
        except TypeError as e:  # arguments Python cannot bind, or of the wrong type: both kinds
            binding = e.__traceback__ is not None and e.__traceback__.tb_next is None
            raise ArgumentError(str(e)) from (None if binding else e)

    return __init__


class ArgumentError(TypeError, ValueError):
    """A transform's constructor arguments of the wrong type, missing or too many.

    Python and xalbu's checks raise ``TypeError`` there; albumentations 2.0.8 validates its
    constructors' arguments and raises ``ValueError`` (pydantic's ``ValidationError``) for most
    classes, ``TypeError`` for the others, so this error is both: code catching either keeps
    working. Values out of range stay ``ValueError``.

    >>> import xalbu as A
    >>> try:
    ...     A.RandomResizedCrop()
    ... except ValueError as e:
    ...     print(type(e).__name__, "size" in str(e))
    ArgumentError True
    """


def check_one_size(
    t: Any, applied: np.ndarray | None, out_hw: tuple[int, int], shape: tuple[int, int]
) -> None:
    """A transform that changes the size must apply to every sample of a batch (they share one size)."""
    if applied is not None and out_hw != shape:
        raise ValueError(
            f"{type(t).__name__}: changes the image size, so in a batch it must apply to every "
            "sample (p=1 and not inside OneOf/SomeOf branches); samples of a batch share one size"
        )


class BasicTransform:
    """Root of every transform: ``p``, per-call (per-sample) gating, host sampling, direct calls.

    Every ``__init__`` argument is stored under its own name, which ``init_args`` (repr,
    serialization) reads back. A subclass written for albumentations implements ``targets``,
    ``apply*``, ``get_params`` and ``get_params_dependent_on_data`` (see ``core/bridge.py``).
    """

    kind: ClassVar[str] = "custom"
    _abstract: ClassVar[bool] = True

    # ---- declarations: what tests, benchmarks, serialization, the gallery and docs read (CONTRIBUTING.md)
    Params: ClassVar[type | None] = None
    """The dataclass ``sample`` returns (``None``: no parameters); replay records name it."""
    input_dtypes: ClassVar[tuple[str, ...]] = ("uint8", "uint16", "float32")
    """Image dtypes the transform takes (others are refused with a message naming the dtype)."""
    albumentations_args: ClassVar[Mapping[str, Rule]] = {}
    """albumentations' argument names this class does not take, and how to read them (files) or
    accept them (code): see ``core/compat.py``."""
    albumentations_ignores_unknown: ClassVar[bool] = True
    """Whether albumentations 2.0.8's constructor of this class accepts (and ignores, with a
    ``UserWarning``) arguments it does not take; ``False`` where it raises ``TypeError`` (its classes
    without a validated ``__init__``), so that xalbu refuses the albumentations names there too."""
    requires: ClassVar[tuple[str, ...]] = ()
    """Optional packages the transform needs at run time (e.g. ``("torch",)``)."""
    benchmark_inputs: ClassVar[tuple[str, ...]] = ()
    """Targets the side-by-side benchmark passes besides the image, for transforms that draw from
    them (``"mask"``, ``"bboxes"`` with their labels, ``"cropping_bbox"``): albumentations needs them."""

    @classmethod
    def examples(cls, height: int, width: int, dtype: str = "uint8") -> list[dict[str, Any]]:
        """Constructor arguments (``p`` aside) for a ``height`` x ``width`` ``dtype`` image.

        The first set is the canonical one: the contract tests, the benchmarks (also for
        albumentations' class of the same name, so it uses arguments both take) and the gallery
        use it. The others are variants that the serialization tests round-trip.
        """
        return [{}]

    def output_dtype(self, dtype: str) -> str:
        """The dtype of the output images for input images of ``dtype``."""
        return dtype

    def __init__(self, p: float = 0.5) -> None:
        self.p = check_p(p)

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        init = cls.__dict__.get("__init__")
        if init is not None and cls.__module__.startswith("xalbu."):  # users' classes: BasicTransform's
            cls.__init__ = accept_albumentations_args(init)  # type: ignore[method-assign]
        if cls.__dict__.get("_abstract", False) or cls.__name__.startswith("_"):
            return
        REGISTRY[cls.__name__] = cls
        if cls.__module__.startswith("xalbu.transforms."):  # the catalogue lives there
            TRANSFORMS[cls.__name__] = cls

    # ------------------------------------------------------------------ sampling
    def sample(self, rng: np.random.Generator, shape: tuple[int, int], n: int | None) -> Any:
        """Draw this call's parameters (scalars, or length-``n`` arrays for a batch)."""
        return None

    def sample_data(self, rng: np.random.Generator, state: State) -> Any:
        """Data-dependent sampling hook; by default only the image size is used."""
        if self.kind == "custom":
            return bridge.draw(self, rng, state)
        return self.sample(rng, state.shape, state.batch)

    # ------------------------------------------------------------------ running
    def _run(self, state: State, rng: np.random.Generator, force: bool = False) -> None:
        if state.released is not None:
            key, shape = next(iter(state.released.items()))
            raise ValueError(
                f"{type(self).__name__}: comes after a Lambda that returned {key!r} in another layout "
                f"{shape}, which later steps cannot take; put that Lambda last"
            )
        if state.pending is not None and self.kind != "affine":
            flush_affine(state)  # Compose(fuse_affine=True): deferred affine steps come first
        p = 1.0 if force else self.p
        n = state.batch
        if n is None:
            if p < 1.0 and not (p > 0.0 and rng.random() < p):
                return
            params = self.sample_data(rng, state)
            if state.record is not None:  # Compose(save_applied_params=True)
                state.record.append(record_step(self, state, params, None))
            self._apply(state, params, None)
            return
        applied = np.ones(n, bool) if state.gate is None else state.gate.copy()
        if p < 1.0:
            applied &= rng.random(n) < p
        params = self.sample_data(rng, state)
        if applied.any():
            if state.record is not None:
                state.record.append(record_step(self, state, params, applied))
            self._apply(state, params, None if applied.all() else applied)

    def _apply(self, state: State, params: Any, applied: np.ndarray | None) -> None:
        """Apply drawn ``params`` to ``state`` (``applied``: the samples of a batch that change)."""
        bridge.apply(self, state, params, applied)

    # ------------------------------------------------------------------ direct calls
    def __call__(self, *args: Any, force_apply: bool = False, **data: Any) -> dict[str, Any]:
        """Apply this transform alone: ``HorizontalFlip(p=1)(image=img)["image"]``.

        The transform's own random stream draws (``set_random_seed`` restarts it); boxes and
        keypoints need a ``Compose`` with ``bbox_params``/``keypoint_params``.
        """
        if args:
            raise TypeError("pass targets by keyword, e.g. transform(image=img)")
        if len(data) == 1 and self.kind != "format":  # the common call, image=<NumPy image>: no bookkeeping
            img = data.get("image")
            if (
                type(img) is np.ndarray
                and (img.ndim == 3 or img.ndim == 2)
                and img.dtype in _NP_IMAGE_DTYPES
                and img.size  # empty images: refused by the Reader, naming the argument
            ):
                # _run for one image outside a pipeline (no fusion, no record): gate, draw, apply
                rng = self._direct_rng()
                p = self.p
                if not force_apply and p < 1.0 and not (p > 0.0 and rng.random() < p):
                    return {"image": img}
                one = self._one_image
                if one is not None and img.ndim == 3:  # the cheapest transforms: no State, no geometry
                    out = one(img, rng)
                    if out is not NotImplemented:
                        return {"image": out}
                state = State(img.shape[:2])
                if img.ndim == 3:
                    state.images["image"] = img
                    self._apply(state, self.sample_data(rng, state), None)
                    result = {"image": state.images["image"]}
                else:
                    state.images["image"] = img[..., None]
                    state.flat = {"image"}
                    self._apply(state, self.sample_data(rng, state), None)
                    out = state.images["image"]
                    if "image" in state.flat:  # HW stays HW (1 channel)
                        out = out[..., 0] if out.shape[-1] == 1 else out
                    result = {"image": out}
                if state.outputs:  # what a step reports (TextImage's overlay_data; a Lambda's result as is)
                    result.update(state.outputs)
                return result
        state, restore = _DIRECT_READER.read(data, False)
        if restore.tensor is not None or self.kind == "format":
            with cuda_stream(restore.tensor):
                self._run(state, self._direct_rng(), force_apply)
                return finish_outputs(state, restore, _DIRECT_READER.kinds)
        self._run(state, self._direct_rng(), force_apply)
        return finish_outputs(state, restore, None)

    _one_image: Any = None
    """Optional ``(img, rng) -> out | NotImplemented``: a direct call on one HWC NumPy image that
    gives exactly what the general path gives, with its draws, for transforms whose own work is a
    few microseconds (flips, crops), where the bookkeeping would be a third of the call."""

    def _direct_rng(self) -> np.random.Generator:
        holder = self.__dict__.get("_rng")
        if holder is None:
            holder = self.__dict__["_rng"] = RngHolder(self.__dict__.get("_seed"))
        return holder.get()

    def _direct_py_random(self) -> random.Random:
        r = self.__dict__.get("_py_rng")
        if r is None:
            r = self.__dict__["_py_rng"] = random.Random(self.__dict__.get("_seed"))
        return r

    seed: int | None = None
    """The seed of the last :meth:`set_random_seed` (albumentations' attribute); ``None`` before."""

    def set_random_seed(self, seed: int | None) -> None:
        """Restart this transform's own random streams from ``seed`` (albumentations' meaning).

        Afterwards ``random_generator`` is ``numpy.random.default_rng(seed)`` and ``py_random`` is
        ``random.Random(seed)``, as in albumentations: the streams of direct calls
        (``transform(image=...)``), which ``get_params`` of an albumentations-style subclass draws
        from, so the same seed repeats the same sequence of results. Inside a ``Compose`` every
        transform draws from the pipeline's one stream instead (``Compose(seed=...)``,
        ``Compose.set_random_seed``); albumentations gives each transform a stream of its own.

        >>> import numpy as np, xalbu as A
        >>> t = A.RandomGamma(p=1)
        >>> t.set_random_seed(3)
        >>> a = t(image=np.full((2, 2), 100, np.uint8))["image"]
        >>> t.set_random_seed(3)
        >>> bool((t(image=np.full((2, 2), 100, np.uint8))["image"] == a).all()), t.seed
        (True, 3)
        """
        holder = self.__dict__.get("_rng")
        if holder is None:
            self.__dict__["_rng"] = RngHolder(seed)
        else:
            holder.reset(seed)
        d = self.__dict__
        d["_seed"] = self.seed = seed
        d["_py_rng"] = random.Random(seed)
        d.pop("random_generator", None)  # a pipeline's stream, left by an albumentations-style draw
        d.pop("py_random", None)

    def __getattr__(self, name: str) -> Any:
        # only reached for attributes not found otherwise: albumentations' per-transform streams
        if name == "random_generator":
            return self._direct_rng()
        if name == "py_random":
            return self._direct_py_random()
        raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")

    # ------------------------------------------------------------------ albumentations' surface
    def get_params(self) -> dict[str, Any]:
        """Parameters that do not depend on the data (albumentations-style subclasses)."""
        return {}

    def get_params_dependent_on_data(self, params: dict[str, Any], data: dict[str, Any]) -> dict[str, Any]:
        """Parameters that depend on the call's data (albumentations-style subclasses)."""
        return {}

    @property
    def targets_as_params(self) -> list[str]:
        """Targets ``get_params_dependent_on_data`` needs (checked before it runs)."""
        return []

    @property
    def targets(self) -> dict[str, Callable[..., Any]]:
        """Target kind -> the method that transforms it (albumentations-style subclasses)."""
        raise NotImplementedError(
            f"{type(self).__name__}: define targets (or subclass ImageOnlyTransform/DualTransform)"
        )

    def apply(self, img: np.ndarray, *args: Any, **params: Any) -> np.ndarray:
        """Transform one image (albumentations-style subclasses implement this)."""
        raise NotImplementedError(f"{type(self).__name__}: apply is not implemented")

    def apply_to_images(self, images: np.ndarray, *args: Any, **params: Any) -> np.ndarray:
        """Transform a stack of images (frames of one video): ``apply`` on each."""
        return np.stack([self.apply(image, **params) for image in images])

    def get_transform_init_args_names(self) -> tuple[str, ...]:
        """Names of the constructor arguments (besides ``p``) that serialization saves."""
        return tuple(name for name in self._signature_args() if name != "p")

    def get_transform_init_args(self) -> dict[str, Any]:
        """The constructor arguments (besides ``p``) by name, read from attributes of the same names."""
        return {
            name: getattr(self, name) for name in self.get_transform_init_args_names() if hasattr(self, name)
        }

    def get_base_init_args(self) -> dict[str, Any]:
        return {"p": self.p}

    @classmethod
    def get_class_fullname(cls) -> str:
        return cls.__name__

    # ------------------------------------------------------------------ conveniences
    def _signature_args(self) -> dict[str, Any]:
        out = {}
        for name, prm in inspect.signature(type(self).__init__).parameters.items():
            if name == "self" or prm.kind in (prm.VAR_POSITIONAL, prm.VAR_KEYWORD):
                continue
            out[name] = prm.default
        return out

    def init_args(self) -> dict[str, Any]:
        """The constructor arguments, read back from attributes of the same names.

        A subclass that names its arguments with ``get_transform_init_args_names`` (albumentations'
        way) is read through that; otherwise ``__init__``'s signature says.
        """
        if type(self).get_transform_init_args_names is not BasicTransform.get_transform_init_args_names:
            return {**self.get_transform_init_args(), "p": self.p}
        return {name: getattr(self, name, default) for name, default in self._signature_args().items()}

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.init_args().items())
        return f"{type(self).__name__}({args})"

    def __getstate__(self) -> dict[str, Any]:
        state = dict(self.__dict__)
        for key in ("_rng", "_py_rng", "random_generator", "py_random"):  # a copy restarts from the seed
            state.pop(key, None)
        return state


BasicTransform.__init__ = accept_albumentations_args(BasicTransform.__init__)  # type: ignore[method-assign]


class ImageOnlyTransform(BasicTransform):
    """albumentations' image-only transform: subclasses implement ``apply(img, **params)``.

    >>> import numpy as np, xalbu as A
    >>> class Darken(A.ImageOnlyTransform):
    ...     def apply(self, img, **params):
    ...         return img // 2
    >>> Darken(p=1)(image=np.full((2, 2), 10, np.uint8))["image"].tolist()
    [[5, 5], [5, 5]]
    """

    _abstract = True

    @property
    def targets(self) -> dict[str, Callable[..., Any]]:
        return {"image": self.apply, "images": self.apply_to_images}


class DualTransform(BasicTransform):
    """albumentations' transform of every target: ``apply``, ``apply_to_mask``, ``apply_to_bboxes``...

    Boxes arrive as a float array of normalised ``x_min, y_min, x_max, y_max`` plus extra columns,
    keypoints as ``x, y, z, angle, scale`` plus extra columns (see ``core/bridge.py``).

    >>> import numpy as np, xalbu as A
    >>> class FlipRows(A.DualTransform):
    ...     def apply(self, img, **params):
    ...         return img[::-1]
    ...     def apply_to_bboxes(self, bboxes, **params):
    ...         out = bboxes.copy()
    ...         out[:, [1, 3]] = 1 - bboxes[:, [3, 1]]
    ...         return out
    >>> pipe = A.Compose([FlipRows(p=1)], bbox_params=A.BboxParams(format="pascal_voc"))
    >>> pipe(image=np.zeros((10, 10), np.uint8), bboxes=[(0, 0, 5, 2)])["bboxes"]
    [(0.0, 8.0, 5.0, 10.0)]
    """

    _abstract = True

    @property
    def targets(self) -> dict[str, Callable[..., Any]]:
        return {
            "image": self.apply,
            "images": self.apply_to_images,
            "mask": self.apply_to_mask,
            "masks": self.apply_to_masks,
            "bboxes": self.apply_to_bboxes,
            "keypoints": self.apply_to_keypoints,
        }

    def apply_to_mask(self, mask: np.ndarray, *args: Any, **params: Any) -> np.ndarray:
        return self.apply(mask, *args, **params)

    def apply_to_masks(self, masks: np.ndarray, *args: Any, **params: Any) -> np.ndarray:
        return np.stack([self.apply_to_mask(mask, **params) for mask in masks])

    def apply_to_bboxes(self, bboxes: np.ndarray, *args: Any, **params: Any) -> np.ndarray:
        raise NotImplementedError(f"BBoxes not implemented for {type(self).__name__}")

    def apply_to_keypoints(self, keypoints: np.ndarray, *args: Any, **params: Any) -> np.ndarray:
        raise NotImplementedError(
            f"Method apply_to_keypoints is not implemented in class {type(self).__name__}"
        )
