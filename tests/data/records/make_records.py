"""Replay records written by xalbu 0.1.0, for tests/test_replay_compat.py.

``pipeline(A)`` and ``inputs()`` are shared with the test (which imports them). To remake
``v0_1_0.json``, check out commit 67edbb1 at /tmp/oldx with its backends importable as
xalbu.backends, as an install would place them (``ln -s /tmp/oldx/backends
/tmp/oldx/xalbu/backends``), then run ``python tests/data/records/make_records.py``.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import numpy as np

OUT = Path(__file__).with_name("v0_1_0.json")


def pipeline(A: Any) -> Any:
    """The recorded pipeline, built with the xalbu module ``A``."""
    return A.Compose(
        [
            A.RandomResizedCrop(size=(40, 40), scale=(0.5, 1.0)),
            A.HorizontalFlip(),
            A.Affine(rotate=(-20, 20), scale=(0.9, 1.1), p=0.8),
            A.OneOf([A.RandomGamma(p=1), A.RandomBrightnessContrast(p=1), A.Posterize(p=1)], p=0.9),
            A.SomeOf([A.Solarize(p=1), A.ChannelShuffle(p=1), A.ToGray(p=1), A.InvertImg(p=1)], n=2),
            A.RandomRotate90(p=0.7),
            A.Normalize(),
        ],
        bbox_params=A.BboxParams(format="pascal_voc", label_fields=["labels"]),
        keypoint_params=A.KeypointParams(format="xy"),
        seed=7,
        save_applied_params=True,
    )


def inputs() -> tuple[dict[str, Any], dict[str, Any]]:
    """One image's targets and a batch's, as recorded."""
    rng = np.random.default_rng(0)
    img = rng.integers(0, 256, (60, 64, 3), dtype=np.uint8)
    one = {
        "image": img,
        "mask": (img[..., 0] > 128).astype(np.uint8),
        "bboxes": [(5, 6, 40, 50), (20, 10, 60, 30)],
        "labels": [1, 2],
        "keypoints": [(10, 12), (30, 40)],
    }
    batch = {
        "images": rng.integers(0, 256, (3, 60, 64, 3), dtype=np.uint8),
        "bboxes": [[(5, 6, 40, 50)]] * 3,
        "labels": [[1]] * 3,
        "keypoints": [[(10, 12)]] * 3,
    }
    return one, batch


MEAN, STD = np.array((0.485, 0.456, 0.406)), np.array((0.229, 0.224, 0.225))  # Normalize's defaults


def levels(image: Any) -> np.ndarray:
    """The uint8 levels behind an output of the recorded pipeline (it ends with a default Normalize)."""
    return np.rint((np.float64(image) * STD + MEAN) * 255.0).astype(np.int64)


def main() -> None:
    sys.path.insert(0, "/tmp/oldx")
    import xalbu as A

    assert A.__file__.startswith("/tmp/oldx"), A.__file__
    one, batch = inputs()
    pipe = pipeline(A)
    singles = []
    for _ in range(4):
        out = pipe(**one)
        singles.append(
            {
                "record": out["applied_transforms"],
                "image_sum": float(np.float64(out["image"]).sum()),
                "levels": levels(out["image"]).tolist(),
                "mask": out["mask"].tolist(),
                "bboxes": [list(map(float, b)) for b in out["bboxes"]],
                "labels": list(out["labels"]),
                "keypoints": [list(map(float, k)) for k in out["keypoints"]],
            }
        )
    bout = pipe.batch(**batch)
    record = {
        "record": bout["applied_transforms"],
        "images_sum": float(np.float64(bout["images"]).sum()),
        "per_sample_sums": [float(np.float64(x).sum()) for x in bout["images"]],
        "levels": [levels(x).tolist() for x in bout["images"]],
    }
    import cv2

    made_by = f"xalbu 0.1.0 (commit 67edbb1), OpenCV {cv2.__version__}, tests/data/records/make_records.py"
    OUT.write_text(
        json.dumps({"made_by": made_by, "singles": singles, "batch": record}, separators=(",", ":"))
    )


if __name__ == "__main__":
    main()
