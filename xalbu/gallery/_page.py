"""The gallery page (HTML) and the reference table (Markdown)."""

from __future__ import annotations

import html
from collections.abc import Sequence
from typing import Any

from ._pictures import Picture
from ._reference import CPU_BACKEND, Row, format_args
from ._static import GPU_BACKEND

_CSS = """
body { font: 14px/1.45 system-ui, sans-serif; margin: 0 auto; max-width: 1640px; padding: 0 16px 40px;
  color: #1d1d1f; background: #fafafa; }
h1 { margin: 20px 0 6px; } h2 { margin-top: 36px; border-bottom: 2px solid #ccc; }
h3 { margin: 0 0 4px; } code, pre { font: 12.5px ui-monospace, Menlo, Consolas, monospace; }
pre { background: #eef0f3; padding: 6px 8px; border-radius: 4px; overflow-x: auto; margin: 4px 0; }
nav a { margin-right: 10px; } .kind { font-size: 12px; color: #555; font-weight: normal; }
.transform { background: #fff; border: 1px solid #ddd; border-radius: 6px; padding: 12px; margin: 14px 0; }
.facts { color: #333; margin: 4px 0; } .notes { margin: 4px 0; padding-left: 20px; color: #6a4a00; }
.pics { display: flex; flex-wrap: wrap; gap: 8px 22px; align-items: flex-end; margin-top: 8px; }
.photo { display: flex; gap: 6px; align-items: flex-end; }
figure { margin: 0; text-align: center; } figcaption { font-size: 11.5px; color: #555; }
img { display: block; background: #333; } img.broken { outline: 3px solid red; }
.dot { display: inline-block; width: 10px; height: 10px; border-radius: 50%; border: 1px solid #000;
  vertical-align: middle; }
table { border-collapse: collapse; background: #fff; font-size: 13px; }
th, td { border: 1px solid #ccc; padding: 4px 6px; text-align: left; vertical-align: top; }
th { background: #eef0f3; position: sticky; top: 0; } #image-status { color: #555; font-size: 12px; }
"""

# after the load event: mark pictures that did not decode and report the count (checked by the tests)
_SCRIPT = """
window.addEventListener("load", function () {
  var imgs = document.images, broken = 0;
  for (var i = 0; i < imgs.length; i++) {
    if (!imgs[i].complete || imgs[i].naturalWidth === 0) { broken++; imgs[i].classList.add("broken"); }
  }
  var s = document.getElementById("image-status");
  s.setAttribute("data-broken", String(broken));
  s.setAttribute("data-loaded", String(imgs.length - broken));
  s.textContent = broken ? broken + " of " + imgs.length + " pictures failed to load."
    : "All " + imgs.length + " pictures loaded.";
});
"""

COLUMNS = ("Transform", "Family", "Kind", "Changes", "dtypes", "CPU kernels", "GPU path", "Arguments shown")


def _cells(row: Row) -> list[str]:
    return [
        row.name,
        row.family,
        row.kind,
        row.targets,
        row.dtypes_text(),
        row.cpu_text(),
        row.gpu_text(),
        format_args(row.name, row.args),
    ]


def _e(text: Any) -> str:
    return html.escape(str(text), quote=True)


def _figure(p: Picture, label: str | None = None) -> str:
    h, w = p.size
    shape = f"{'×'.join(str(s) for s in p.shape)} {p.dtype}"
    lines = [label] if label else [f"{p.photo} · seed {p.seed}", shape]
    return (
        f'<figure><img src="{_e(p.src)}" width="{w}" height="{h}" alt="{_e(", ".join(lines))}">'
        f"<figcaption>{'<br>'.join(_e(t) for t in lines)}</figcaption></figure>"
    )


def _article(row: Row, pictures: list[Picture]) -> str:
    facts = (
        f"<b>Changes:</b> {_e(row.targets)} · <b>dtypes:</b> {_e(row.dtypes_text())} · "
        f"<b>CPU:</b> {_e(row.cpu_text())} · <b>GPU:</b> {_e(row.gpu_text())}"
    )
    notes = "".join(f"<li>{_e(n)}</li>" for n in row.notes)
    by_photo: dict[str, list[Picture]] = {}
    for p in pictures:
        by_photo.setdefault(p.photo, []).append(p)
    figs = "".join(f'<div class="photo">{"".join(_figure(p) for p in ps)}</div>' for ps in by_photo.values())
    return (
        f'<article class="transform" id="t-{_e(row.name)}"><h3>{_e(row.name)} '
        f'<span class="kind">{_e(row.kind)}</span></h3>'
        f"<pre><code>{_e(format_args(row.name, row.args))}</code></pre>"
        f'<p class="facts">{facts}</p>'
        + (f'<ul class="notes">{notes}</ul>' if notes else "")
        + (f'<div class="pics">{figs}</div>' if figs else "")
        + "</article>"
    )


def page_html(
    rows: list[Row],
    pictures: dict[str, list[Picture]],
    inputs: list[Picture],
    seeds: Sequence[int],
    size: tuple[int, int],
) -> str:
    """The gallery page (one self-contained HTML file; pictures by relative links)."""
    from .. import __version__

    families: dict[str, list[Row]] = {}
    for row in rows:
        families.setdefault(row.family, []).append(row)
    nav = " · ".join(f'<a href="#family-{_e(f)}">{_e(f)} ({len(r)})</a>' for f, r in families.items())
    size_text = f"{size[0]}x{size[1]}"
    head = (
        f"<h1>xalbu transform gallery</h1><p>Every registered transform ({len(rows)}) applied to the bundled "
        f"photos ({size[0]}×{size[1]}) with seeds {', '.join(map(str, seeds))}, one section per family, with the "
        f"constructor arguments used. Generated from the code by <code>python -m xalbu gallery --out DIR "
        f"--seeds {len(seeds)} --size {size_text}</code> (xalbu {_e(__version__)}).</p>"
        "<p>Drawn on every picture: the mask classes as colour overlays, the boxes in yellow with their labels, "
        'and keypoints made from the boxes: <span class="dot" style="background:#ff2828"></span> box centre, '
        '<span class="dot" style="background:#fff"></span> top-left box corner. Captions: photo, seed, and the '
        "output image's shape and dtype.</p>"
        f'<nav>Families: {nav} · <a href="#reference">Reference table</a> (<a href="reference.md">Markdown</a>)'
        '</nav><p id="image-status">Pictures not checked yet (needs JavaScript).</p>'
    )
    inputs_html = "".join(_figure(p, f"{p.photo} (input)") for p in inputs)
    sections = [f'<section id="inputs"><h2>Inputs</h2><div class="pics">{inputs_html}</div></section>']
    for fam, fam_rows in families.items():
        body = "".join(_article(r, pictures.get(r.name, [])) for r in fam_rows)
        sections.append(f'<section class="family" id="family-{_e(fam)}"><h2>{_e(fam)}</h2>{body}</section>')
    header = "".join(f"<th>{_e(c)}</th>" for c in COLUMNS)
    body_rows = []
    for row in rows:
        cells = _cells(row)
        cells_html = [f'<a href="#t-{_e(row.name)}">{_e(cells[0])}</a>'] + [_e(c) for c in cells[1:-1]]
        cells_html.append(f"<code>{_e(cells[-1])}</code>")
        body_rows.append(
            f'<tr id="ref-{_e(row.name)}">' + "".join(f"<td>{c}</td>" for c in cells_html) + "</tr>"
        )
    table = (
        '<section id="reference"><h2>Reference</h2><p>Changes: the targets a transform of its kind may change. '
        "dtypes: tried on a 16×16 image (uint8, uint16, float32); rejected ones raise an error. CPU kernels: "
        f"traced kernel calls, with whether the {CPU_BACKEND} (OpenCV/NumPy) override served them. GPU path: "
        f'"batched kernel" where the kernels have a {GPU_BACKEND} override (read from backends/{GPU_BACKEND}), '
        "else the generic array-API kernel runs on the device.</p>"
        f"<table><thead><tr>{header}</tr></thead><tbody>{''.join(body_rows)}</tbody></table></section>"
    )
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>xalbu transform gallery</title><style>{_CSS}</style></head>\n<body>\n<header>{head}</header>\n"
        + "\n".join(sections)
        + f"\n{table}\n<script>{_SCRIPT}</script>\n</body></html>\n"
    )


def reference_markdown(rows: list[Row]) -> str:
    """The reference table in Markdown."""

    def cell(text: str) -> str:
        return text.replace("|", "\\|").replace("\n", " ")

    lines = [
        "# xalbu transform reference",
        "",
        "Generated by `python -m xalbu gallery` with the pictures in [index.html](index.html). Changes: the",
        "targets a transform of its kind may change. dtypes: tried on a small image. CPU kernels: traced",
        f"kernel calls and whether the {CPU_BACKEND} override served them. GPU path: `batched kernel` where",
        f"the kernels have a {GPU_BACKEND} override, else the generic kernel runs on the device.",
        "",
        "| " + " | ".join(COLUMNS) + " |",
        "|" + "---|" * len(COLUMNS),
    ]
    for row in rows:
        cells = _cells(row)
        cells[-1] = f"`{cells[-1]}`"
        lines.append("| " + " | ".join(cell(c) for c in cells) + " |")
    return "\n".join(lines) + "\n"
