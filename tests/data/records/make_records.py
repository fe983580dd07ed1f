"""Make replay records with xalbu 0.1.0 (commit 67edbb1) for tests/test_replay_compat.py.

Run from a checkout of that commit at /tmp/oldx with its backends importable as xalbu.backends
(`ln -s /tmp/oldx/backends /tmp/oldx/xalbu/backends`), as an install would place them.
"""

import json
import sys

import numpy as np

sys.path.insert(0, "/tmp/oldx")
import xalbu as A

assert A.__file__.startswith("/tmp/oldx"), A.__file__


def pipeline():
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


rng = np.random.default_rng(0)
img = rng.integers(0, 256, (60, 64, 3), dtype=np.uint8)
mask = (img[..., 0] > 128).astype(np.uint8)
data = dict(
    image=img,
    mask=mask,
    bboxes=[(5, 6, 40, 50), (20, 10, 60, 30)],
    labels=[1, 2],
    keypoints=[(10, 12), (30, 40)],
)
pipe = pipeline()
records = []
for i in range(4):
    out = pipe(**data)
    records.append(
        {
            "record": out["applied_transforms"],
            "image_sum": float(np.float64(out["image"]).sum()),
            "image": np.round(out["image"].astype(np.float64), 6).tolist() if i == 0 else None,
            "mask": out["mask"].tolist(),
            "bboxes": [list(map(float, b)) for b in out["bboxes"]],
            "labels": list(out["labels"]),
            "keypoints": [list(map(float, k)) for k in out["keypoints"]],
        }
    )
imgs = rng.integers(0, 256, (3, 60, 64, 3), dtype=np.uint8)
bout = pipe.batch(images=imgs, bboxes=[[(5, 6, 40, 50)]] * 3, labels=[[1]] * 3, keypoints=[[(10, 12)]] * 3)
batch = {
    "record": bout["applied_transforms"],
    "images_sum": float(np.float64(bout["images"]).sum()),
    "per_sample_sums": [float(np.float64(x).sum()) for x in bout["images"]],
}
json.dump(
    {
        "made_by": "xalbu 0.1.0 (commit 67edbb1), tests/data/records/make_records.py",
        "singles": records,
        "batch": batch,
    },
    open("/work/main/tests/data/records/v0_1_0.json", "w"),
)
print(
    "ok",
    [[s["transform"] for s in r["record"]] for r in records][:2],
    json.dumps(records[0]["record"][0]["types"])[:200],
)
