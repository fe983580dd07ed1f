"""Picklable, importable pieces for the DataLoader tests: spawned workers import this module."""

from __future__ import annotations

from typing import Any

import numpy as np

import xalbu as A

H, W = 16, 16
IMAGE = np.random.default_rng(0).integers(0, 256, (H, W, 3), dtype=np.uint8)
MASK = (np.arange(H * W).reshape(H, W) % 5).astype(np.uint8)
BOXES = np.array([[1, 2, 9, 12], [4, 4, 15, 15]], np.float64)
LABELS = ["a", "b"]
KEYPOINTS = np.array([[3.5, 4.5], [10.0, 12.0]], np.float64)


def keep(value: Any, **params: Any) -> Any:
    """A module-level Lambda function (picklable by reference)."""
    return value


def make_pipeline(seed: int | None = 0) -> A.Compose:
    """Continuous parameters everywhere, so two different draws never give the same output."""
    return A.Compose(
        [
            A.Affine(rotate=(-30, 30), translate_percent=(-0.1, 0.1), scale=(0.8, 1.2), p=1.0),
            A.RandomBrightnessContrast(brightness_limit=0.3, contrast_limit=0.3, p=1.0),
            A.OneOf([A.HorizontalFlip(p=1.0), A.RandomGamma(p=1.0)], p=0.5),
            A.Lambda(image=keep, mask=keep, name="keep"),
        ],
        bbox_params=A.BboxParams(format="pascal_voc", label_fields=["labels"]),
        keypoint_params=A.KeypointParams(format="xy"),
        seed=seed,
    )


def augment(pipeline: A.Compose) -> dict[str, Any]:
    return pipeline(image=IMAGE, mask=MASK, bboxes=BOXES, labels=LABELS, keypoints=KEYPOINTS)


class AugmentedDataset:
    """A map-style dataset: every index holds the same sample, augmented on each access.

    Each item is ``(image, worker id)`` (``-1`` in the main process), so a test can tell which worker
    drew which augmentation.
    """

    def __init__(self, pipeline: A.Compose, size: int = 8) -> None:
        self.pipeline = pipeline
        self.size = size

    def __len__(self) -> int:
        return self.size

    def __getitem__(self, index: int) -> tuple[np.ndarray, int]:
        import torch.utils.data

        info = torch.utils.data.get_worker_info()
        return augment(self.pipeline)["image"], -1 if info is None else int(info.id)


class LazyDataset(AugmentedDataset):
    """Builds its pipeline inside each worker, on first use."""

    def __init__(self, seed: int, size: int = 8) -> None:
        self.seed = seed
        self.size = size
        self._pipeline: A.Compose | None = None

    @property
    def pipeline(self) -> A.Compose:  # type: ignore[override]
        if self._pipeline is None:
            self._pipeline = make_pipeline(self.seed)
        return self._pipeline


def distributed_rank(
    rank: int, world: int, init_file: str, out_dir: str, num_workers: int, seed: int
) -> None:
    """One rank of a ``torch.distributed`` job (gloo): the pipeline is built before the process group
    exists, then each rank reads two epochs through a DataLoader with ``num_workers`` workers, every
    rank seeding torch alike, and saves ``(epoch, worker, image)`` rows to ``out_dir/rank{rank}.npz``."""
    import torch
    import torch.distributed as dist
    from torch.utils.data import DataLoader

    pipe = make_pipeline(seed)  # built before init_process_group: streams are derived on first use
    dist.init_process_group("gloo", init_method=f"file://{init_file}", rank=rank, world_size=world)
    try:
        torch.manual_seed(1234)  # the same on every rank, as most training scripts do
        loader = DataLoader(
            AugmentedDataset(pipe, size=8), batch_size=None, num_workers=num_workers, persistent_workers=True
        )
        epochs, workers, images = [], [], []
        for epoch in range(2):
            for image, worker in loader:
                epochs.append(epoch)
                workers.append(int(worker))
                images.append(np.asarray(image))
        np.savez(f"{out_dir}/rank{rank}.npz", epoch=epochs, worker=workers, image=np.stack(images))
        dist.barrier()
    finally:
        dist.destroy_process_group()
