"""The transform gallery (``python -m xalbu gallery``), its reference table, the static scan of the
CuPy overrides and the dispatch trace hook it is built on."""

from __future__ import annotations

import importlib
import pkgutil
import re
import shutil
import subprocess
from html.parser import HTMLParser
from pathlib import Path

import cv2
import numpy as np
import pytest

import xalbu
from xalbu.__main__ import main
from xalbu.core import dispatch
from xalbu.core.dispatch import trace
from xalbu.demo import SAMPLE_NAMES
from xalbu.gallery import family, library_transforms, static_overrides, write_gallery

ROOT = Path(__file__).resolve().parents[1]
PUBLISHED = ROOT / "docs" / "gallery"


class _Page(HTMLParser):
    """Collects the page's <img> sources, element ids, links and scripts."""

    def __init__(self) -> None:
        super().__init__()
        self.imgs: list[str] = []
        self.ids: set[str] = set()
        self.links: list[str] = []
        self.external_scripts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(str(a["id"]))
        if tag == "img":
            self.imgs.append(str(a.get("src")))
        if tag in ("a", "link") and a.get("href"):
            self.links.append(str(a["href"]))
        if tag == "script" and a.get("src"):
            self.external_scripts.append(str(a["src"]))


def _kernel(name: str):
    """The dispatching kernel ``name`` from whichever ``xalbu.functional`` module defines it."""
    import xalbu.functional

    for info in pkgutil.iter_modules(xalbu.functional.__path__):
        module = importlib.import_module(f"xalbu.functional.{info.name}")
        found = getattr(module, name, None)
        if hasattr(found, "generic") and found.__module__ == module.__name__:
            return found
    raise LookupError(name)


def _qualname(kernel) -> str:
    return f"{kernel.generic.__module__}.{kernel.generic.__qualname__}"


def _parse(index: Path) -> _Page:
    page = _Page()
    page.feed(index.read_text("utf-8"))
    return page


@pytest.fixture(scope="module")
def gallery(tmp_path_factory):
    out = tmp_path_factory.mktemp("gallery")
    return write_gallery(out, seeds=1, size=(32, 32))


# ----------------------------------------------------------------------------- the page
def test_page_has_every_transform(gallery):
    page = _parse(gallery.index)
    markdown = gallery.reference.read_text("utf-8")
    catalogue = {n: c for n, c in xalbu.TRANSFORMS.items() if c.__module__.startswith("xalbu.transforms.")}
    assert len(catalogue) >= 32 and set(gallery.rows) == set(catalogue) == set(library_transforms())
    for name, cls in catalogue.items():
        assert f"t-{name}" in page.ids, name  # its section
        assert f"ref-{name}" in page.ids, name  # its row of the reference table
        assert f"family-{family(cls)}" in page.ids, name
        assert re.search(rf"^\| {name} \| {family(cls)} \| ", markdown, re.M), name
        row = gallery.rows[name]
        pictures = [s for s in page.imgs if Path(s).name.startswith(f"{name}-")]
        if row.missing:  # ToTensorV2 without torch: a note instead of pictures
            assert not pictures and any("not installed" in n for n in row.notes)
        else:
            assert len(pictures) == len(SAMPLE_NAMES), name


def test_every_picture_exists_and_is_local(gallery):
    page = _parse(gallery.index)
    assert page.imgs and not page.external_scripts
    for src in page.imgs:
        assert "://" not in src and not src.startswith("/"), src
        img = cv2.imread(str(gallery.index.parent / src))
        assert img is not None and img.ndim == 3, src
    for href in page.links:
        assert "://" not in href, href  # no network resources
        if not href.startswith("#"):
            assert (gallery.index.parent / href).exists(), href
    assert gallery.pictures == len(list((gallery.index.parent / "img").glob("*.jpg")))


def test_reference_values(gallery):
    rows = gallery.rows
    flip, gamma = rows["HorizontalFlip"], rows["RandomGamma"]
    assert "bboxes" in flip.targets and "keypoints" in flip.targets and "mask" in flip.targets
    assert gamma.targets == "image"
    assert flip.accepted == ["uint8", "uint16", "float32"]
    hflip = [k for k in flip.kernels if k.short == "hflip"]
    assert hflip and hflip[0].cpu_registered and hflip[0].cpu_dtypes == ["uint8", "uint16", "float32"]
    assert "hflip (numpy_cv2)" in flip.cpu_text()
    assert [k.short for k in gamma.kernels] == ["gamma"] and gamma.kernels[0].cpu_dtypes
    assert gamma.gpu_text() == "batched kernel"  # the CuPy LUT override (registered by a helper)
    assert rows["Affine"].gpu_text() == "batched kernel"  # the CuPy warp
    assert rows["NoOp"].cpu_text() == "no kernel"
    assert rows["ToTensorV2"].targets.startswith("layout")
    assert any("rescaled" in n for n in rows["Normalize"].notes)
    assert any("float32" in n for n in rows["FromFloat"].notes)
    for name, row in rows.items():
        assert row.family == family(xalbu.TRANSFORMS[name]) == xalbu.TRANSFORMS[name].__module__.split(".")[2]
        assert row.missing or row.accepted, name  # every transform takes some dtype


def test_family_from_module():
    def cls(module: str) -> type:
        return type("T", (), {"__module__": module})

    assert family(cls("xalbu.transforms.tone")) == "tone"
    assert family(cls("xalbu.transforms.crops._random")) == "crops"  # a family grown into a package
    assert family(cls("mypackage.custom")) == "custom"


def test_cli_writes_the_gallery(tmp_path, capsys):
    assert main(["gallery", "--out", str(tmp_path / "g"), "--seeds", "1", "--size", "24x32"]) == 0
    assert (tmp_path / "g" / "index.html").exists() and (tmp_path / "g" / "reference.md").exists()
    assert "gallery:" in capsys.readouterr().out
    with pytest.raises(SystemExit):
        main(["gallery", "--out", str(tmp_path), "--size", "8"])


def test_published_gallery_is_small_and_complete():
    index = PUBLISHED / "index.html"
    if not index.exists():
        pytest.skip("docs/gallery is not in this checkout")
    page = _parse(index)
    for src in page.imgs:
        assert (PUBLISHED / src).exists(), src
    total = sum(f.stat().st_size for f in PUBLISHED.rglob("*") if f.is_file())
    assert total < 4_000_000, total  # 134 transforms, 2 photos x 3 pictures each, JPEG quality 55


# ----------------------------------------------------------------------------- CuPy overrides, statically
def test_static_overrides_of_the_cupy_backend():
    found = static_overrides("cupy")
    assert _qualname(_kernel("warp")) in found  # @register(F.warp, "cupy")
    for name in ("gamma", "invert", "brightness_contrast", "normalize"):  # through _lut_override(...)
        assert _qualname(_kernel(name)) in found, name
    assert _qualname(_kernel("hflip")) not in found


def test_static_overrides_patterns(tmp_path):
    hflip = _kernel("hflip")
    (tmp_path / "__init__.py").write_text("from . import a, b\n")
    (tmp_path / "_helpers.py").write_text(
        "from xalbu.core.dispatch import register\n"
        "def lut(generic, other=None):\n"
        "    @register(generic, 'cupy')\n"
        "    def impl(img, /, *args):\n"
        "        return NotImplemented\n"
        "def twice(kernel):\n"
        "    lut(kernel)\n"
    )
    (tmp_path / "a.py").write_text(
        "from xalbu.core.dispatch import register\n"
        f"import {hflip.__module__} as G\n"
        "import fakepkg.tone as P\n"
        "from fakepkg.module import kern as K\n"
        "BACKEND = 'cupy'\n"
        "@register(G.hflip, 'cupy')\n"
        "def hflip(img, /):\n"
        "    return img\n"
        "register(P.invert, BACKEND)(lambda img: img)\n"
        "register(K, 'cupy')(lambda img: img)\n"
        "@register(P.vflip, 'numpy_cv2')\n"
        "def vflip(img, /):\n"
        "    return img\n"
    )
    (tmp_path / "b.py").write_text(
        "from fakepkg import tone as P\n"
        "from ._helpers import lut, twice\n"
        "KERNELS = (P.gamma, P.solarize)\n"
        "for k in KERNELS:\n"
        "    lut(k)\n"
        "lut(generic=P.posterize)\n"
        "twice(P.normalize)\n"
        "[lut(k) for k in (P.a, P.b)]\n"
    )
    found = static_overrides("cupy", tmp_path)
    assert _qualname(hflip) in found  # importable: the generic kernel's own name
    # not importable: kept as written
    fake = {f"fakepkg.tone.{k}" for k in ("invert", "gamma", "solarize", "posterize", "normalize", "a", "b")}
    assert found == fake | {_qualname(hflip), "fakepkg.module.kern"}
    assert static_overrides("numpy_cv2", tmp_path) == {"fakepkg.tone.vflip"}


# ----------------------------------------------------------------------------- the dispatch trace hook
def test_trace_records_and_restores_the_fast_path():
    hflip = _kernel("hflip")
    img = np.zeros((4, 5, 3), np.uint8)
    hflip(img)  # warm the cache
    override = hflip.overrides["numpy_cv2"]
    assert hflip.impls[np.ndarray] is override
    with trace() as calls:
        hflip(img)
        hflip(img.astype(np.float32))
    assert [(c.kernel, c.backend, c.override, c.dtype) for c in calls] == [
        (_qualname(hflip), "numpy_cv2", True, "uint8"),
        (_qualname(hflip), "numpy_cv2", True, "float32"),
    ]
    # after the context: the plain override is cached again and nothing records
    seen = list(calls)
    hflip(img)
    assert calls == seen
    assert hflip.impls[np.ndarray] is override
    assert dispatch._TRACES == []


def test_trace_nests_and_sees_declined_and_generic_calls():
    @dispatch.kernel
    def plain(img, /):  # no override anywhere: the generic kernel runs
        return img + 1

    gamma, vflip = _kernel("gamma"), _kernel("vflip")
    img16 = np.full((4, 4, 3), 1000, np.uint16)
    served = gamma.overrides["numpy_cv2"](img16, 1.2) is not NotImplemented
    with trace() as outer:
        with trace() as inner:
            gamma(img16, 1.2)
            plain(np.zeros((2, 2, 1), np.uint8))
        vflip(np.zeros((2, 2, 1), np.uint8))
    assert [(c.kernel.rsplit(".", 1)[-1], c.override) for c in inner] == [("gamma", served), ("plain", False)]
    assert [c.kernel.rsplit(".", 1)[-1] for c in outer] == ["gamma", "plain", "vflip"]
    assert dispatch._TRACES == []
    plain(np.zeros((2, 2, 1), np.uint8))
    assert plain.impls[np.ndarray] is None  # after the trace: no wrapper left, nothing recorded
    assert [c.kernel.rsplit(".", 1)[-1] for c in outer] == ["gamma", "plain", "vflip"]


def test_trace_restores_after_an_error():
    hflip = _kernel("hflip")
    img = np.zeros((2, 2, 1), np.uint8)
    with pytest.raises(RuntimeError), trace():
        hflip(img)
        raise RuntimeError("boom")
    assert dispatch._TRACES == [] and np.ndarray not in hflip.impls
    hflip(img)
    assert hflip.impls[np.ndarray] is hflip.overrides["numpy_cv2"]


# ----------------------------------------------------------------------------- in a browser
def _chromium() -> str | None:
    return next((p for p in map(shutil.which, ("chromium", "chromium-browser")) if p), None)


def _render(browser: str, index: Path, profile: Path) -> tuple[int, int]:
    """(loaded, broken) picture counts the page's own check wrote into the DOM in headless Chromium."""
    cmd = [browser, "--headless", "--disable-gpu", "--no-sandbox", "--no-first-run", "--mute-audio"]
    cmd += [f"--user-data-dir={profile}", "--dump-dom", index.as_uri()]
    dom = subprocess.run(cmd, capture_output=True, text=True, timeout=60, check=True).stdout
    status = re.search(r'<p id="image-status"[^>]*>', dom)
    assert status, "the page's picture check did not run"
    loaded = re.search(r'data-loaded="(\d+)"', status.group(0))
    broken = re.search(r'data-broken="(\d+)"', status.group(0))
    assert loaded and broken, status.group(0)
    return int(loaded.group(1)), int(broken.group(1))


def test_pictures_load_in_headless_chromium(gallery, tmp_path):
    browser = _chromium()
    if browser is None:
        pytest.skip("no chromium or chromium-browser binary on PATH (apt-get install chromium)")
    n = len(_parse(gallery.index).imgs)
    assert _render(browser, gallery.index, tmp_path / "profile") == (n, 0)
    # the check does catch a missing picture
    copy = tmp_path / "copy"
    shutil.copytree(gallery.index.parent, copy)
    next((copy / "img").glob("HorizontalFlip-*.jpg")).unlink()
    assert _render(browser, copy / "index.html", tmp_path / "profile") == (n - 1, 1)
