"""The CPU sections: each transform in ``Compose`` and called alone, float32, the detection pipeline, uint16.

Every section times xalbu and the other library (or two xalbu configurations) with
:func:`~xalbu.benchmark._timing.interleaved` and returns one row per (transform, size).
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

from ._timing import Timing, interleaved, paired_ratio
from .data import input_dtype, inputs_for, photos, size_label, transform_args, transform_inputs
from .options import CROP, MEAN, STD, Options, log


def _pair_row(
    transform: str, size: tuple[int, int], dtype: str, timings: dict[str, Timing], a: str, b: str
) -> dict[str, Any]:
    return {
        "transform": transform,
        "size": size_label(size),
        "dtype": dtype,
        "xalbu": timings[a].to_json(),
        "other": timings[b].to_json(),
        "xalbu_ips": timings[a].median,
        "other_ips": timings[b].median,
        "ratio": paired_ratio(timings[a], timings[b]),
    }


def build_compose(lib: Any, name: str, kwargs: dict[str, Any]) -> Any:
    """``lib.Compose([lib.<name>(**kwargs)], seed=0)``: what the ``transforms`` section times."""
    boxes = "bboxes" in transform_inputs(name)  # boxes need their processor (pascal_voc, labels)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        params = (
            {"bbox_params": lib.BboxParams(format="pascal_voc", label_fields=["labels"])} if boxes else {}
        )
        return lib.Compose([getattr(lib, name)(**kwargs)], seed=0, **params)


def build_direct(lib: Any, name: str, kwargs: dict[str, Any]) -> Any:
    """``lib.<name>(**kwargs)``, to be called alone (``t(image=img)``): what the ``direct`` section times.

    A transform called outside ``Compose`` is how albumentations' own benchmark times transforms.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return getattr(lib, name)(**kwargs)


Builder = Callable[[Any, str, dict[str, Any]], Any]


def compare_transforms(
    opts: Options,
    xa: Any,
    other: Any,
    names: list[str],
    dtype: str,
    skipped: list[dict[str, str]],
    build: Builder = build_compose,
    section: str = "transforms",
) -> list[dict[str, Any]]:
    """One row per (size, transform): ``build(lib, name, args)(image=img)`` in xalbu against ``other``.

    A transform that one of the libraries cannot run as configured is listed in ``skipped``.
    """
    rows = []
    for size in opts.resolved_sizes():
        data: dict[str, list[dict[str, Any]]] = {}
        for name in names:
            in_dtype = input_dtype(name, dtype)
            if in_dtype not in data:
                data[in_dtype] = photos(size, in_dtype)
            samples = [inputs_for(name, p) for p in data[in_dtype]]
            kwargs = transform_args(name, *size, dtype=in_dtype)
            try:
                px, po = build(xa, name, kwargs), build(other, name, kwargs)
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    px(**samples[0])
                    po(**samples[0])
            except Exception as exc:  # noqa: BLE001 - a transform one library cannot run as configured
                reason = f"{type(exc).__name__}: {str(exc).splitlines()[0][:200] if str(exc) else ''}"
                skipped.append(
                    {
                        "transform": name,
                        "size": size_label(size),
                        "dtype": in_dtype,
                        "section": section,
                        "reason": reason,
                    }
                )
                log(opts, f"  skipped {name} {size_label(size)} {in_dtype} ({section}): {reason}")
                continue
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                timings = interleaved(
                    {"xalbu": lambda s, f=px: f(**s), "other": lambda s, f=po: f(**s)},
                    {"xalbu": samples, "other": samples},
                    opts,
                )
            row = _pair_row(name, size, in_dtype, timings, "xalbu", "other")
            rows.append(row)
            log(
                opts,
                f"  {name:<26} {size_label(size):>9} {in_dtype:<7} xalbu {row['xalbu_ips']:>9.1f}  "
                f"{opts.vs} {row['other_ips']:>9.1f}  ratio {row['ratio']:.2f}",
            )
    return rows


def detection_pipeline(lib: Any, crop: int = CROP) -> Any:
    """RandomResizedCrop ``crop`` -> HorizontalFlip -> RandomBrightnessContrast -> Normalize, with boxes."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return lib.Compose(
            [
                lib.RandomResizedCrop(size=(crop, crop), scale=(0.08, 1.0), ratio=(0.75, 4 / 3), p=1.0),
                lib.HorizontalFlip(p=0.5),
                lib.RandomBrightnessContrast(brightness_limit=(-0.2, 0.2), contrast_limit=(-0.2, 0.2), p=0.5),
                lib.Normalize(mean=MEAN, std=STD, max_pixel_value=255.0, p=1.0),
            ],
            bbox_params=lib.BboxParams(format="pascal_voc", label_fields=["labels"]),
            seed=0,
        )


def compare_pipeline(opts: Options, xa: Any, other: Any) -> list[dict[str, Any]]:
    rows = []
    px, po = detection_pipeline(xa), detection_pipeline(other)
    for size in opts.resolved_sizes():
        samples = photos(size, "uint8")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            timings = interleaved(
                {"xalbu": lambda s: px(**s), "other": lambda s: po(**s)},
                {"xalbu": samples, "other": samples},
                opts,
            )
        row = _pair_row("detection pipeline", size, "uint8", timings, "xalbu", "other")
        rows.append(row)
        log(
            opts,
            f"  detection pipeline         {size_label(size):>9} uint8   xalbu {row['xalbu_ips']:>9.1f}  "
            f"{opts.vs} {row['other_ips']:>9.1f}  ratio {row['ratio']:.2f}",
        )
    return rows


def compare_uint16(opts: Options, xa: Any, names: list[str]) -> list[dict[str, Any]]:
    """xalbu only: each transform on uint16 against uint8 images (ratio = uint16 / uint8 images/s)."""
    rows = []
    for size in opts.resolved_sizes():
        u8 = [{"image": p["image"]} for p in photos(size, "uint8")]
        u16 = [{"image": p["image"]} for p in photos(size, "uint16")]
        for name in names:
            if input_dtype(name, "uint8") != "uint8":
                continue  # FromFloat: float input whatever the dtype
            p8 = build_compose(xa, name, transform_args(name, *size, dtype="uint8"))
            p16 = build_compose(xa, name, transform_args(name, *size, dtype="uint16"))
            timings = interleaved(
                {"uint8": lambda s, f=p8: f(**s), "uint16": lambda s, f=p16: f(**s)},
                {"uint8": u8, "uint16": u16},
                opts,
            )
            row = {
                "transform": name,
                "size": size_label(size),
                "uint8": timings["uint8"].to_json(),
                "uint16": timings["uint16"].to_json(),
                "uint8_ips": timings["uint8"].median,
                "uint16_ips": timings["uint16"].median,
                "ratio": paired_ratio(timings["uint16"], timings["uint8"]),
            }
            rows.append(row)
            log(
                opts,
                f"  {name:<26} {size_label(size):>9} uint8 {row['uint8_ips']:>9.1f}  "
                f"uint16 {row['uint16_ips']:>9.1f}  uint16/uint8 {row['ratio']:.2f}",
            )
    return rows
