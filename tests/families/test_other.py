"""NoOp and Lambda."""

from __future__ import annotations

import numpy as np
import pytest

import xalbu as A


def _image(shape=(8, 10, 3), seed=0):
    return np.random.default_rng(seed).integers(0, 256, shape, dtype=np.uint8)


def _pipe(t, **kw):
    return A.Compose(
        [t],
        bbox_params=A.BboxParams(format="pascal_voc", label_fields=["labels"]),
        keypoint_params=A.KeypointParams(format="xyas", label_fields=["kp_labels"], angle_in_degrees=True),
        seed=0,
        **kw,
    )


BOXES = [(1.0, 2.0, 5.0, 6.0), (0.0, 0.0, 10.0, 8.0)]
POINTS = [(1.5, 2.5, 90.0, 2.0), (9.0, 7.0, 0.0, 1.0)]


# ------------------------------------------------------------------------ NoOp
def test_noop_leaves_every_target_unchanged(xp):
    img = _image()
    mask = _image((8, 10), 1)
    out = _pipe(A.NoOp(p=1))(
        image=xp.asarray(img),
        mask=xp.asarray(mask),
        bboxes=BOXES,
        labels=[1, 2],
        keypoints=POINTS,
        kp_labels=["a", "b"],
    )
    np.testing.assert_array_equal(xp.to_numpy(out["image"]), img)
    np.testing.assert_array_equal(xp.to_numpy(out["mask"]), mask)
    assert out["bboxes"] == BOXES and out["labels"] == [1, 2]
    np.testing.assert_allclose(np.array(out["keypoints"]), np.array(POINTS))
    batch = np.stack([img, img[::-1]])
    np.testing.assert_array_equal(A.Compose([A.NoOp(p=0.5)], seed=0).batch(images=batch)["images"], batch)
    assert A.NoOp().p == 0.5 and A.NoOp().kind == "spatial" and "NoOp" in A.TRANSFORMS


def test_noop_is_a_dual_transform_as_in_albumentations():
    assert isinstance(A.NoOp(), A.DualTransform) and not isinstance(A.NoOp(), A.ImageOnlyTransform)
    assert isinstance(A.Lambda(), A.DualTransform) and not isinstance(A.Lambda(), A.ImageOnlyTransform)


# ------------------------------------------------------------------------ Lambda: arrays
def test_lambda_image_and_mask_functions_are_called_as_given():
    calls = {}

    def on_image(img, **params):
        calls["image"] = (img.shape, params)
        return 255 - img

    def on_mask(mask, **params):
        calls["mask"] = (mask.shape, params)
        return mask + 1

    img, mask = _image((8, 10)), _image((8, 10), 1) % 5
    out = A.Compose([A.Lambda(image=on_image, mask=on_mask)])(image=img, mask=mask)
    assert calls["image"] == ((8, 10), {"shape": (8, 10)})  # HW stays HW, as in albumentations
    assert calls["mask"] == ((8, 10), {"shape": (8, 10)})
    assert out["image"].shape == (8, 10)
    np.testing.assert_array_equal(out["image"], 255 - img)
    np.testing.assert_array_equal(out["mask"], mask + 1)
    rgb = _image()
    A.Lambda(image=on_image, mask=on_mask)(image=rgb, mask=mask)
    assert calls["image"] == ((8, 10, 3), {"shape": (8, 10, 3)})  # the image's own shape
    assert calls["mask"] == ((8, 10), {"shape": (8, 10, 3)})


@pytest.mark.parametrize("shape", [(8, 10), (8, 10, 1), (8, 10, 3)])
def test_lambda_calls_match_albumentations_for_one_image(shape):
    """What albumentations 2.0.8's Lambda hands the image and mask functions (arrays as given, one
    mask of ``masks`` at a time, ``params == {"shape": image.shape}``) and what comes back."""
    alb = pytest.importorskip("albumentations")

    def spy(M):
        seen = []

        def on_image(img, **params):
            seen.append(("image", img.shape, dict(params)))
            return (255 - img) if img.ndim == len(shape) else img

        def on_mask(mask, **params):
            seen.append(("mask", mask.shape, dict(params)))
            return mask * 2

        out = M.Lambda(image=on_image, mask=on_mask)(
            image=_image(shape), mask=_image((8, 10), 1) % 7, masks=np.stack([_image((8, 10), 2) % 3] * 2)
        )
        return seen, out

    (ours, got), (theirs, want) = spy(A), spy(alb)
    assert ours == theirs
    for key in ("image", "mask", "masks"):
        assert got[key].shape == want[key].shape
        np.testing.assert_array_equal(got[key], want[key])

    def frames(M):  # images= (frames of one sample): one call per frame, as given
        seen = []

        def on_image(img, **params):
            seen.append((img.shape, dict(params)))
            return img + 1

        return seen, M.Lambda(image=on_image)(images=np.stack([_image(shape)] * 2))["images"]

    (ours, got), (theirs, want) = frames(A), frames(alb)
    assert ours == theirs and len(ours) == 2
    np.testing.assert_array_equal(got, want)


def test_lambda_results_in_another_layout_are_returned_as_they_are():
    """segmentation_models.pytorch's ``to_tensor`` (HWC -> CHW) as the last step: albumentations
    returns what the function returned; so does xalbu, and refuses later steps clearly."""
    import albumentations as alb

    def to_tensor(x, **kwargs):
        return x.transpose(2, 0, 1).astype("float32")

    img, mask = _image(), np.arange(80, dtype=np.uint8).reshape(8, 10, 1)
    for fn in (to_tensor, lambda img, **p: img[:4], lambda img, **p: [1, 2]):
        got = A.Compose([A.RandomGamma(p=1), A.Lambda(image=fn, mask=fn)], seed=0)(image=img, mask=mask)
        want = alb.Compose([alb.Lambda(image=fn, mask=fn)])(image=img, mask=mask)
        assert type(got["image"]) is type(want["image"]) and np.shape(got["image"]) == np.shape(want["image"])
        assert np.shape(got["mask"]) == np.shape(want["mask"])
    out = A.Compose([A.Lambda(image=to_tensor, mask=to_tensor)])(image=img, mask=mask)
    np.testing.assert_array_equal(out["image"], to_tensor(img))
    np.testing.assert_array_equal(out["mask"], to_tensor(mask))
    with pytest.raises(ValueError, match=r"^HorizontalFlip: comes after a Lambda that returned 'image'"):
        A.Compose([A.Lambda(image=to_tensor), A.HorizontalFlip(p=1)])(image=img)
    # a 2-D image turned into 3 channels is given back with them, and later steps see them
    gray = _image((8, 10))
    out = A.Compose([A.Lambda(image=lambda x, **p: np.stack([x] * 3, -1)), A.HorizontalFlip(p=1)])(image=gray)
    np.testing.assert_array_equal(out["image"], np.stack([gray[:, ::-1]] * 3, -1))
    out = A.Lambda(image=lambda img, **p: img[..., :1])(image=_image())["image"]  # channels may change
    assert out.shape == (8, 10, 1)


def test_lambda_direct_calls_take_the_short_path_with_the_general_paths_results(monkeypatch):
    """A direct call on one HWC image (``_one_image``: no State) gives what the general path gives
    for every kind of result: the input itself, new arrays, fewer channels or 2-D, another dtype,
    float64, another layout or a list (as returned), and the same error for a wrong height."""
    img = _image()
    fns = [
        lambda x, **p: x,
        lambda x, **p: 255 - x,
        lambda x, **p: x[..., 0],
        lambda x, **p: x[..., :2],
        lambda x, **p: x / 255.0,
        lambda x, **p: (x / 255.0).astype(np.float32),
        lambda x, **p: x.transpose(2, 0, 1),
        lambda x, **p: [1, 2],
        lambda x, **p: np.full(p["shape"], 3, np.uint8),
    ]
    for fn in fns:
        fast = A.Lambda(image=fn)(image=img)["image"]
        with monkeypatch.context() as m:
            m.setattr(A.Lambda, "_one_image", None)
            slow = A.Lambda(image=fn)(image=img)["image"]
        assert type(fast) is type(slow) and np.shape(fast) == np.shape(slow)
        assert getattr(fast, "dtype", None) == getattr(slow, "dtype", None)
        assert (fast is img) == (slow is img)
        np.testing.assert_array_equal(fast, slow)
    assert A.Lambda(mask=lambda x, **p: x + 1)(image=img)["image"] is img
    alb = pytest.importorskip("albumentations")
    for given in (img, img[..., 0]):  # results in another layout, as albumentations returns them
        for fn in (lambda x, **p: x.T, lambda x, **p: [1, 2], lambda x, **p: x[None]):
            want = alb.Lambda(image=fn)(image=given)["image"]
            got = A.Lambda(image=fn)(image=given)["image"]
            assert type(got) is type(want) and np.shape(got) == np.shape(want)
    for general in (False, True):
        with monkeypatch.context() as m:
            if general:
                m.setattr(A.Lambda, "_one_image", None)
            out = A.Lambda(image=lambda x, **p: x[:4])(image=img)["image"]  # another height: as returned
            assert out.shape == (4, 10, 3)


def test_lambda_image_function_may_change_channels_and_dtype():
    def to_float_gray(img, **params):
        return (img[..., :1] / 255.0).astype(np.float32)

    out = A.Compose([A.Lambda(image=to_float_gray)])(image=_image())["image"]
    assert out.shape == (8, 10, 1) and out.dtype == np.float32


def test_lambda_image_function_must_keep_layout_in_a_batch():
    imgs = np.stack([_image()] * 2)
    with pytest.raises(ValueError, match="image function must return an array shaped"):
        A.Compose([A.Lambda(image=lambda img, **p: img[..., 0])]).batch(images=imgs)
    with pytest.raises(ValueError, match="mask function must return"):
        A.Compose([A.Lambda(mask=lambda m, **p: m[:, :4])]).batch(images=imgs, masks=imgs[..., 0])


def test_lambda_on_strict_arrays(xp):
    img = _image()
    out = A.Compose([A.Lambda(image=lambda x, **p: x // 2)])(image=xp.asarray(img))["image"]
    np.testing.assert_array_equal(xp.to_numpy(out), img // 2)


def test_lambda_without_functions_is_identity():
    img = _image()
    out = _pipe(A.Lambda())(image=img, bboxes=BOXES, labels=[1, 2], keypoints=POINTS, kp_labels=["a", "b"])
    np.testing.assert_array_equal(out["image"], img)
    assert out["bboxes"] == BOXES
    np.testing.assert_allclose(np.array(out["keypoints"]), np.array(POINTS))


# ------------------------------------------------------------------------ Lambda: boxes and keypoints
def test_lambda_boxes_round_trip_in_normalised_format():
    seen = []

    def same(boxes, **params):
        seen.append(boxes.copy())
        return boxes

    out = _pipe(A.Lambda(bboxes=same))(image=_image(), bboxes=BOXES, labels=[1, 2])
    np.testing.assert_allclose(seen[0], [[0.1, 0.25, 0.5, 0.75], [0.0, 0.0, 1.0, 1.0]])
    np.testing.assert_allclose(np.array(out["bboxes"]), np.array(BOXES))
    assert out["labels"] == [1, 2]


def test_lambda_boxes_are_moved_and_clipped():
    def shift(boxes, **params):
        return boxes + np.array([0.1, 0.0, 0.1, 0.0])  # 1 px right on a 10 px wide image

    out = _pipe(A.Lambda(bboxes=shift))(image=_image(), bboxes=BOXES, labels=[1, 2])
    np.testing.assert_allclose(np.array(out["bboxes"]), [[2.0, 2.0, 6.0, 6.0], [1.0, 0.0, 10.0, 8.0]])
    assert out["labels"] == [1, 2]


def test_lambda_boxes_extra_columns_are_kept():
    def shift(boxes, **params):
        return np.concatenate([boxes + 0.1, np.ones((len(boxes), 1))], axis=1)  # extra column ignored

    boxes = [(1.0, 2.0, 5.0, 6.0, "cat")]
    out = A.Compose([A.Lambda(bboxes=shift)], bbox_params=A.BboxParams(format="pascal_voc"))(
        image=_image(), bboxes=boxes
    )
    assert out["bboxes"][0][4] == "cat"
    np.testing.assert_allclose(out["bboxes"][0][:4], [2.0, 2.8, 6.0, 6.8])


def test_lambda_keypoints_receive_pixels_and_radians():
    seen = []

    def same(kps, **params):
        seen.append(kps.copy())
        return kps

    out = _pipe(A.Lambda(keypoints=same))(image=_image(), keypoints=POINTS, kp_labels=["a", "b"])
    # albumentations' layout x, y, z, angle, scale (z = 0)
    np.testing.assert_allclose(seen[0], [[1.5, 2.5, 0.0, np.pi / 2, 2.0], [9.0, 7.0, 0.0, 0.0, 1.0]])
    np.testing.assert_allclose(np.array(out["keypoints"]), np.array(POINTS))
    assert out["kp_labels"] == ["a", "b"]


def test_lambda_keypoints_moved_and_invisible_removed():
    def move(kps, **params):
        out = kps.copy()
        out[:, 0] += 2.0  # the second point leaves the 10 px wide image
        out[:, 3] += np.pi / 2  # angle
        out[:, 4] *= 3  # scale
        return out

    out = _pipe(A.Lambda(keypoints=move))(image=_image(), keypoints=POINTS, kp_labels=["a", "b"])
    np.testing.assert_allclose(np.array(out["keypoints"]), [[3.5, 2.5, 180.0, 6.0]])
    assert out["kp_labels"] == ["a"]


@pytest.mark.parametrize("target", ["bboxes", "keypoints"])
def test_lambda_wrong_row_count_raises(target):
    def drop_one(rows, **params):
        return rows[:-1]

    data = (
        {"bboxes": BOXES, "labels": [1, 2]}
        if target == "bboxes"
        else {"keypoints": POINTS, "kp_labels": [1, 2]}
    )
    cols = 4 if target == "bboxes" else 5
    with pytest.raises(
        ValueError, match=rf"must return an array of shape \(2, >= {cols}\).*rows may not be added"
    ):
        _pipe(A.Lambda(**{target: drop_one}))(image=_image(), **data)


def test_lambda_rows_need_four_columns():
    with pytest.raises(ValueError, match=r"\(2, >= 4\)"):
        _pipe(A.Lambda(bboxes=lambda b, **p: b[:, :2]))(image=_image(), bboxes=BOXES, labels=[1, 2])


# ------------------------------------------------------------------------ Lambda: batches
def test_lambda_batch_image_function_gets_the_whole_batch():
    shapes = []

    def on_image(img, **params):
        shapes.append(img.shape)
        return img // 2

    imgs = np.stack([_image(seed=s) for s in range(4)])
    out = A.Compose([A.Lambda(image=on_image)]).batch(images=imgs)["images"]
    assert shapes == [(4, 8, 10, 3)]
    np.testing.assert_array_equal(out, imgs // 2)


def test_lambda_batch_rows_per_sample_and_p_half():
    calls = []

    def shift(boxes, **params):
        calls.append(len(boxes))
        return boxes + np.array([0.1, 0.0, 0.1, 0.0])

    def invert(img, **params):
        return 255 - img

    n = 12
    imgs = np.stack([_image(seed=s) for s in range(n)])
    boxes = [[(1.0, 2.0, 5.0, 6.0)] * (1 + s % 3) for s in range(n)]
    labels = [list(range(len(b))) for b in boxes]
    pipe = A.Compose(
        [A.Lambda(image=invert, bboxes=shift, p=0.5)],
        bbox_params=A.BboxParams(format="pascal_voc", label_fields=["labels"]),
        seed=3,
    )
    out = pipe.batch(images=imgs, bboxes=boxes, labels=labels)
    applied = [not np.array_equal(out["images"][i], imgs[i]) for i in range(n)]
    assert 0 < sum(applied) < n
    assert sorted(calls) == sorted(len(boxes[i]) for i in range(n) if applied[i])  # once per applied sample
    for i in range(n):
        if applied[i]:
            np.testing.assert_array_equal(out["images"][i], 255 - imgs[i])
            np.testing.assert_allclose(np.array(out["bboxes"][i]), [[2.0, 2.0, 6.0, 6.0]] * len(boxes[i]))
        else:
            np.testing.assert_array_equal(out["images"][i], imgs[i])
            assert out["bboxes"][i] == boxes[i]
        assert out["labels"][i] == labels[i]


def test_lambda_batch_keypoints_per_sample():
    seen = []

    def same(kps, **params):
        seen.append(kps[:, :2].copy())
        return kps

    imgs = np.stack([_image(seed=s) for s in range(3)])
    kps = [[(float(s), 1.0)] for s in range(3)]
    out = A.Compose([A.Lambda(keypoints=same)], keypoint_params=A.KeypointParams(format="xy")).batch(
        images=imgs, keypoints=kps
    )
    assert [k.tolist() for k in seen] == [[[0.0, 1.0]], [[1.0, 1.0]], [[2.0, 1.0]]]
    assert [list(map(tuple, k)) for k in out["keypoints"]] == kps


# ------------------------------------------------------------------------ Lambda: arguments
@pytest.mark.parametrize("arg", ["image", "mask", "keypoints", "bboxes"])
def test_lambda_rejects_non_callables(arg):
    with pytest.raises(TypeError, match=f"{arg}: expected a callable"):
        A.Lambda(**{arg: 3})


def test_lambda_arguments_stored():
    def f(x, **params):
        return x

    t = A.Lambda(image=f, name="my_lambda", p=0.3)
    assert t.name == "my_lambda" and t.image is f and t.mask is None and t.p == 0.3
    assert t.init_args() == {
        "image": f,
        "mask": None,
        "keypoints": None,
        "bboxes": None,
        "name": "my_lambda",
        "p": 0.3,
    }
    assert t.kind == "spatial" and "Lambda" in A.TRANSFORMS
    with pytest.raises(TypeError, match="name"):
        A.Lambda(name=3)
    with pytest.raises(ValueError, match="p"):
        A.Lambda(p=1.5)
