"""The transform gallery: a static HTML page generated from the code (``python -m xalbu gallery``).

Every registered transform of the catalogue (:data:`xalbu.TRANSFORMS`) is applied to the bundled
photos with their mask, boxes and keypoints (made from the boxes' centres and corners) for a few
seeds, one section per family (the transform module's name). A reference table, on the page and as
``reference.md``, says for each transform which targets it changes, which dtypes it accepts
(tried), which kernels run on the CPU and whether the OpenCV backend serves them (traced with
:func:`xalbu.core.dispatch.trace`), and whether the CuPy backend has batched overrides for them
(read from the ``backends/cupy`` sources, so without CuPy).

The constructor arguments of every transform come from :func:`example_args`, and nowhere else.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ..core.transform import TRANSFORMS
from ..demo import SAMPLE_NAMES
from ._page import page_html, reference_markdown
from ._pictures import Picture, draw_sample, gallery_samples, render_pictures, viewable, write_jpeg
from ._reference import (
    CPU_BACKEND,
    DTYPES,
    KernelUse,
    Row,
    example_args,
    family,
    format_args,
    library_transforms,
    reference_row,
    targets_changed,
)
from ._static import GPU_BACKEND, static_overrides

__all__ = [
    "CPU_BACKEND",
    "DTYPES",
    "GPU_BACKEND",
    "GalleryResult",
    "KernelUse",
    "Picture",
    "Row",
    "draw_sample",
    "example_args",
    "family",
    "format_args",
    "gallery_samples",
    "library_transforms",
    "page_html",
    "reference_markdown",
    "reference_row",
    "render_pictures",
    "static_overrides",
    "targets_changed",
    "viewable",
    "write_gallery",
]


@dataclass(frozen=True)
class GalleryResult:
    index: Path  # the page
    reference: Path  # the Markdown table
    rows: dict[str, Row]  # by transform name
    pictures: int  # picture files written
    bytes: int  # total size of the files written


def write_gallery(
    out: str | Path,
    seeds: int = 2,
    size: tuple[int, int] = (128, 128),
    names: Iterable[str] | None = None,
    quality: int = 55,
    verbose: bool = False,
) -> GalleryResult:
    """Write the gallery: ``out/index.html``, ``out/reference.md`` and the pictures in ``out/img/``.

    Args:
        out: the folder (created if needed). Stale ``.jpg`` files in ``out/img`` are removed.
        seeds: pictures per photo and transform (seeds 0..seeds-1).
        size: (height, width) the photos are scaled and centre-cropped to before the transforms.
        names: the transforms to show (default: :func:`library_transforms`, every registered class
            of xalbu's own catalogue).
        quality: JPEG quality of the pictures.
        verbose: print what was written.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     result = write_gallery(tmp, seeds=1, size=(48, 48), names=["HorizontalFlip", "RandomGamma"])
    ...     sorted(p.name for p in Path(tmp).iterdir()), result.pictures
    (['img', 'index.html', 'reference.md'], 9)
    >>> result.rows["RandomGamma"].targets
    'image'
    """
    if seeds < 1:
        raise ValueError(f"seeds: expected at least 1, got {seeds}")
    h, w = (int(v) for v in size)
    if min(h, w) < 16:
        raise ValueError(f"size: expected sides of at least 16 pixels, got {size!r}")
    if not 1 <= quality <= 100:
        raise ValueError(f"quality: expected 1..100, got {quality}")
    wanted = library_transforms() if names is None else list(names)
    unknown = [n for n in wanted if n not in TRANSFORMS]
    if unknown:
        raise ValueError(f"names: unknown transforms {unknown}")
    out = Path(out)
    img_dir = out / "img"
    img_dir.mkdir(parents=True, exist_ok=True)
    seed_list = list(range(seeds))
    gpu = static_overrides()

    samples = gallery_samples((h, w))
    inputs = []
    for photo, sample in zip(SAMPLE_NAMES, samples, strict=False):
        write_jpeg(img_dir / f"input-{photo}.jpg", draw_sample(sample), quality)
        inputs.append(Picture(f"img/input-{photo}.jpg", photo, 0, sample["image"].shape, "uint8", (h, w)))
    rows, pictures = [], {}
    for name in wanted:
        row = reference_row(name, gpu)
        row.args = example_args(name, h, w)
        pictures[name] = render_pictures(row, samples, seed_list, img_dir, quality)
        rows.append(row)
    rows.sort(key=lambda r: (r.family, r.name))

    written = {Path(p.src).name for p in inputs} | {Path(p.src).name for ps in pictures.values() for p in ps}
    for stale in img_dir.glob("*.jpg"):
        if stale.name not in written:
            stale.unlink()
    index, reference = out / "index.html", out / "reference.md"
    index.write_text(page_html(rows, pictures, inputs, seed_list, (h, w)), "utf-8")
    reference.write_text(reference_markdown(rows), "utf-8")
    total = sum(f.stat().st_size for f in [index, reference, *(img_dir / n for n in written)])
    result = GalleryResult(index, reference, {r.name: r for r in rows}, len(written), total)
    if verbose:
        print(f"gallery: {index} ({len(rows)} transforms, {len(written)} pictures, {total / 1e6:.2f} MB)")
        print(f"reference table: {reference}")
    return result
