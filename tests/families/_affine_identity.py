"""The warp override on samples a partly applied batch leaves alone, and the dyadic test matrix (collected through
``test_affine.py``, which imports it: that file is at its size limit)."""

from __future__ import annotations

import numpy as np
import pytest

from xalbu.functional import affine as G

from ._spatial import TOL, assert_close, override_and_generic, random_image

DYADIC = np.array([[0.75, 0.25, 1.5], [-0.125, 1.25, -2.0], [0.0, 0.0, 1.0]])  # as test_affine's
DYADIC_FORWARD = np.linalg.inv(G._translation(0.5) @ DYADIC @ G._translation(-0.5))


def test_dyadic_matrix_is_what_opencv_sees():
    np.testing.assert_allclose(G.index_inverse(DYADIC_FORWARD)[0], DYADIC, atol=1e-12)


@pytest.mark.parametrize("interp", [0, 1, 2])
def test_warp_leaves_identity_samples_exact(interp):
    """Samples a partly applied batch leaves alone have the identity matrix: copied, as the generic
    kernel's result (their input) says, and not views of the input."""
    img = random_image(np.uint8, 5, True)
    mats = np.stack([np.eye(3), DYADIC_FORWARD, np.eye(3)])
    out, ref = override_and_generic(G.warp, img, mats, img.shape[1:3], interp, 0, 0)
    np.testing.assert_array_equal(out[[0, 2]], img[[0, 2]])
    np.testing.assert_array_equal(out[[0, 2]], ref[[0, 2]])
    assert_close(out[1], ref[1], 0.0 if interp == 0 else TOL[np.uint8], 0.01 if interp == 0 else 0.0)
