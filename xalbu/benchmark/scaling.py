"""Throughput of the two scale-out recipes of docs/scaling.md on this machine, side by side.

``python -m xalbu.benchmark.scaling --images 2048 --size 256 --workers 2`` times, over the same
images and the same pipeline (the README's detection-style pipeline, with boxes):

- ``dataloader``: a PyTorch ``DataLoader`` with ``--workers`` worker processes, each sample augmented
  by one ``pipeline(...)`` call in the dataset's ``__getitem__`` (the usual recipe), batches of
  ``--batch``;
- ``ray``: Ray Data, ``map_batches(RayAugment(...), batch_format="numpy", batch_size=--batch)`` on a
  local cluster of ``--workers`` CPUs, one ``pipeline.batch`` call per batch.

Each is run ``--repeats`` times after a warm-up pass (start-up of the workers and the cluster is
left out); the report gives images per second (median) and the ratio ray / dataloader, and writes
JSON with the machine and versions to ``--out``. Needs torch and ray (``pip install xalbu[ray]``).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import time
from collections.abc import Sequence
from typing import Any

import numpy as np


def _pipeline() -> Any:
    import xalbu as A

    return A.Compose(
        [
            A.RandomResizedCrop(size=(224, 224), scale=(0.5, 1.0)),
            A.HorizontalFlip(p=0.5),
            A.Affine(rotate=(-10, 10), p=0.5),
            A.RandomBrightnessContrast(p=0.8),
            A.GaussNoise(p=0.3),
        ],
        bbox_params=A.BboxParams(format="pascal_voc", label_fields=["labels"]),
        seed=0,
    )


def _data(n: int, size: int) -> dict[str, Any]:
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, (n, size, size, 3), dtype=np.uint8)
    boxes = np.empty(n, dtype=object)
    labels = np.empty(n, dtype=object)
    for i in range(n):
        boxes[i] = np.array([[10.0, 20.0, size / 2, size / 2 + 5], [5.0, 5.0, size - 9.0, size - 3.0]])
        labels[i] = np.array(["a", "b"])
    return {"image": images, "boxes": boxes, "labels": labels, "id": np.arange(n)}


class _Dataset:
    def __init__(self, data: dict[str, Any]) -> None:
        self.data = data
        self.pipeline = _pipeline()

    def __len__(self) -> int:
        return len(self.data["id"])

    def __getitem__(self, i: int) -> Any:
        out = self.pipeline(
            image=self.data["image"][i], bboxes=self.data["boxes"][i], labels=list(self.data["labels"][i])
        )
        return out["image"], len(out["bboxes"])


def _collate(items: list) -> Any:
    return np.stack([x[0] for x in items]), [x[1] for x in items]


def time_dataloader(data: dict[str, Any], workers: int, batch: int, repeats: int) -> list[float]:
    from torch.utils.data import DataLoader

    loader = DataLoader(
        _Dataset(data),
        batch_size=batch,
        num_workers=workers,
        collate_fn=_collate,
        persistent_workers=workers > 0,
    )
    n = len(data["id"])
    rates = []
    for r in range(repeats + 1):
        start = time.perf_counter()
        seen = sum(len(images) for images, _ in loader)
        if r:  # the first pass warms up (workers start)
            rates.append(seen / (time.perf_counter() - start))
        assert seen == n
    return rates


def time_ray(data: dict[str, Any], workers: int, batch: int, repeats: int) -> list[float]:
    import ray

    from ..scaling import RayAugment

    ray.init(num_cpus=workers, include_dashboard=False, log_to_driver=False, ignore_reinit_error=True)
    try:
        ds = ray.data.from_items(
            [
                {"image": data["image"][i], "boxes": data["boxes"][i], "labels": data["labels"][i], "id": i}
                for i in range(len(data["id"]))
            ],
            override_num_blocks=max(1, len(data["id"]) // batch),  # a block a batch: no re-blocking
        ).materialize()
        fn = RayAugment(_pipeline(), bboxes="boxes", labels=["labels"], id_column="id")
        n = len(data["id"])
        rates = []
        for r in range(repeats + 1):
            start = time.perf_counter()
            seen = 0
            for b in ds.map_batches(fn, batch_format="numpy", batch_size=batch).iter_batches(
                batch_format="numpy", batch_size=batch
            ):
                seen += len(b["image"])
            if r:
                rates.append(seen / (time.perf_counter() - start))
            assert seen == n
        return rates
    finally:
        ray.shutdown()


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m xalbu.benchmark.scaling", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--images", type=int, default=2048)
    parser.add_argument("--size", type=int, default=256)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--out", default=None, help="JSON report path")
    args = parser.parse_args(argv)
    import ray
    import torch

    import xalbu

    data = _data(args.images, args.size)
    loader = time_dataloader(data, args.workers, args.batch, args.repeats)
    ray_rates = time_ray(data, args.workers, args.batch, args.repeats)
    report = {
        "date": time.strftime("%Y-%m-%d"),
        "machine": {
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
            "python": platform.python_version(),
        },
        "versions": {
            "xalbu": xalbu.__version__,
            "torch": torch.__version__,
            "ray": ray.__version__,
            "numpy": np.__version__,
        },
        "args": vars(args),
        "dataloader_images_per_s": statistics.median(loader),
        "ray_images_per_s": statistics.median(ray_rates),
        "ratio_ray_over_dataloader": statistics.median(ray_rates) / statistics.median(loader),
        "samples": {"dataloader": loader, "ray": ray_rates},
    }
    print(
        f"dataloader ({args.workers} workers): {report['dataloader_images_per_s']:.0f} images/s | "
        f"ray data ({args.workers} CPUs): {report['ray_images_per_s']:.0f} images/s | "
        f"ratio {report['ratio_ray_over_dataloader']:.2f}"
    )
    if args.out:
        with open(args.out, "w") as f:
            json.dump(report, f, indent=2)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
