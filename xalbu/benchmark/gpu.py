"""The ``gpu`` section: ``pipeline.batch`` on CuPy against kornia and torchvision on one CUDA batch."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ._timing import interleaved, paired_ratio
from .data import photos, version_of
from .options import CROP, MEAN, STD, Options, log


def cuda_device_name() -> str | None:
    try:
        import cupy

        if cupy.cuda.runtime.getDeviceCount() < 1:
            return None
        name = cupy.cuda.runtime.getDeviceProperties(cupy.cuda.Device().id)["name"]
        return name.decode() if isinstance(name, bytes) else str(name)
    except Exception:  # noqa: BLE001 - no CuPy, no driver, no device
        return None


def realistic_pipeline() -> Any:
    """The section's xalbu pipeline: RandomResizedCrop 224 -> HorizontalFlip(0.5) ->
    brightness/contrast 0.2 (p=0.5) -> Normalize (ImageNet statistics).

    >>> [type(t).__name__ for t in realistic_pipeline().transforms]
    ['RandomResizedCrop', 'HorizontalFlip', 'RandomBrightnessContrast', 'Normalize']
    """
    import xalbu

    return xalbu.Compose(
        [
            xalbu.RandomResizedCrop(size=(CROP, CROP), scale=(0.08, 1.0), ratio=(0.75, 4 / 3), p=1.0),
            xalbu.HorizontalFlip(p=0.5),
            xalbu.RandomBrightnessContrast(brightness_limit=0.2, contrast_limit=0.2, p=0.5),
            xalbu.Normalize(mean=MEAN, std=STD, max_pixel_value=255.0, p=1.0),
        ],
        seed=0,
    )


def gpu_section(opts: Options) -> dict[str, Any]:
    """``pipeline.batch`` on CuPy against kornia and torchvision on the same CUDA batch.

    Every library starts from the same (N, H, W, 3) uint8 batch on the device (shared with torch
    through DLPack, no copy) and ends with a normalised float32 (N, 224, 224, 3) or (N, 3, 224, 224)
    batch: RandomResizedCrop 224 -> HorizontalFlip(0.5) -> brightness/contrast 0.2 (p=0.5) ->
    Normalize. kornia draws parameters per sample like xalbu; torchvision.transforms.v2 draws one
    set of parameters per call, i.e. per batch (noted in the table). The device is synchronised
    before the clock stops.
    """
    device = cuda_device_name()
    if device is None:
        return {"skipped": "no CUDA device usable through CuPy (pip install -e '.[cuda12]')", "rows": []}
    import cupy
    import numpy as np

    import xalbu

    def sync() -> None:
        cupy.cuda.Device().synchronize()

    libs: dict[str, Callable[[Any], Callable[[], Any]]] = {}
    missing: list[str] = []
    pipe = realistic_pipeline()
    libs["xalbu"] = lambda batch: lambda: pipe.batch(images=batch)
    versions_: dict[str, str] = {"xalbu": version_of(xalbu), "cupy": version_of(cupy)}
    try:
        import torch

        versions_["torch"] = version_of(torch)
        if not torch.cuda.is_available():
            raise ImportError("torch has no CUDA")
    except ImportError as exc:
        missing.append(f"torch ({exc})")
        torch = None
    if torch is not None:
        mean_t = torch.tensor(MEAN, device="cuda")
        std_t = torch.tensor(STD, device="cuda")
        try:
            import kornia
            import kornia.augmentation as K

            versions_["kornia"] = version_of(kornia)
            aug = K.AugmentationSequential(
                K.RandomResizedCrop((CROP, CROP), scale=(0.08, 1.0), ratio=(0.75, 4 / 3), p=1.0),
                K.RandomHorizontalFlip(p=0.5),
                K.ColorJiggle(brightness=0.2, contrast=0.2, p=0.5),
                K.Normalize(mean=mean_t, std=std_t),
            )

            def kornia_runner(batch: Any) -> Callable[[], Any]:
                t = torch.from_dlpack(batch)  # (N, H, W, 3) uint8, shared with CuPy
                return lambda: aug(t.permute(0, 3, 1, 2).float().div_(255.0))

            libs["kornia"] = kornia_runner
        except ImportError as exc:
            missing.append(f"kornia ({exc})")
        try:
            import torchvision
            from torchvision.transforms import v2

            versions_["torchvision"] = version_of(torchvision)
            tv = v2.Compose(
                [
                    v2.RandomResizedCrop(
                        (CROP, CROP), scale=(0.08, 1.0), ratio=(0.75, 4 / 3), antialias=True
                    ),
                    v2.RandomHorizontalFlip(p=0.5),
                    v2.RandomApply([v2.ColorJitter(brightness=0.2, contrast=0.2)], p=0.5),
                    v2.ToDtype(torch.float32, scale=True),
                    v2.Normalize(mean=list(MEAN), std=list(STD)),
                ]
            )

            def tv_runner(batch: Any) -> Callable[[], Any]:
                t = torch.from_dlpack(batch)
                return lambda: tv(t.permute(0, 3, 1, 2))

            libs["torchvision"] = tv_runner
        except ImportError as exc:
            missing.append(f"torchvision ({exc})")

    rows = []
    for n, side in opts.gpu_batches:
        src = photos((side, side), "uint8")
        host = np.stack([src[i % len(src)]["image"] for i in range(n)])
        batch = cupy.asarray(host)
        runners = {label: make(batch) for label, make in libs.items()}
        timings = interleaved(
            {label: (lambda s, f=f: f()) for label, f in runners.items()},
            {label: [{}] for label in runners},
            opts,
            images_per_call=n,
            sync=sync,
        )
        for label, timing in timings.items():
            row = {
                "library": label,
                "batch": f"{n}x{side}x{side}",
                "per_sample_params": label != "torchvision",
                **timing.to_json(),
                "xalbu_ratio": paired_ratio(timings["xalbu"], timing),
            }
            rows.append(row)
            log(
                opts,
                f"  gpu {label:<12} {row['batch']:>14} {row['median_ips']:>11.0f} img/s  "
                f"xalbu/{label} {row['xalbu_ratio']:.2f}",
            )
        del batch, runners
    return {"device": device, "versions": versions_, "missing": missing, "rows": rows}
