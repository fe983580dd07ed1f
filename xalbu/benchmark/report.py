"""What a run writes: the machine and versions it ran on, the summary, the Markdown report."""

from __future__ import annotations

import os
import platform
import subprocess
from pathlib import Path
from typing import Any

from ._timing import geometric_mean
from .data import version_of
from .options import CROP, N_BOXES


# ----------------------------------------------------------------------------- metadata
def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.lower().startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def loadavg() -> list[float] | None:
    try:
        return [round(v, 2) for v in os.getloadavg()]
    except (OSError, AttributeError):
        return None


def git_info() -> dict[str, Any]:
    root = Path(__file__).resolve().parents[2]
    try:
        commit = subprocess.run(
            ["git", "-C", str(root), "rev-parse", "HEAD"],
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(root), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            timeout=10,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return {"commit": None, "dirty": None}
    return {"commit": commit, "dirty": bool(dirty)}


def machine_info() -> dict[str, Any]:
    """CPU model, cores, OS, Python, the load average now."""
    try:
        usable = len(os.sched_getaffinity(0))
    except AttributeError:
        usable = os.cpu_count()
    return {
        "cpu": _cpu_model(),
        "logical_cores": os.cpu_count(),
        "usable_cores": usable,
        "platform": platform.platform(),
        "python": platform.python_version(),
        "loadavg": loadavg(),
    }


def versions(other: Any | None) -> dict[str, str]:
    import cv2
    import numpy as np

    import xalbu

    out = {
        "python": platform.python_version(),
        "numpy": np.__version__,
        "opencv": cv2.__version__,
        "xalbu": version_of(xalbu),
    }
    if other is not None and other.__name__ != "xalbu":
        out[other.__name__] = version_of(other)
    return out


# ----------------------------------------------------------------------------- output
def _fmt_ips(v: float) -> str:
    return f"{v:,.0f}" if v >= 100 else f"{v:,.1f}"


def _fmt_ratio(v: float | None) -> str:
    return "–" if v is None else f"{v:.2f}×"


def _ratio_table(
    rows: list[dict[str, Any]], col_a: str, col_b: str, col_ratio: str, a: str, b: str
) -> list[str]:
    """Markdown table lines: transform, size, images/s of two runs (row keys ``a``, ``b``), ratio."""
    lines = [f"| transform | size | {col_a} | {col_b} | {col_ratio} |", "|---|---|---:|---:|---:|"]
    for r in rows:
        lines.append(
            f"| {r['transform']} | {r['size']} | {_fmt_ips(r[a])} | {_fmt_ips(r[b])} | {_fmt_ratio(r['ratio'])} |"
        )
    return lines


def summarise(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Geometric mean of the ratios, overall and per size, and the slowest row."""
    by_size: dict[str, list[float]] = {}
    for r in rows:
        by_size.setdefault(r["size"], []).append(r["ratio"])
    worst = min(rows, key=lambda r: r["ratio"]) if rows else None
    return {
        "n": len(rows),
        "geomean_ratio": geometric_mean([r["ratio"] for r in rows]),
        "geomean_ratio_by_size": {k: geometric_mean(v) for k, v in by_size.items()},
        "min_ratio": None if worst is None else {k: worst[k] for k in ("transform", "size", "ratio")},
        "rows_below_1": [f"{r['transform']} {r['size']}" for r in rows if r["ratio"] < 1.0],
    }


def _summarised_table(rows: list[dict[str, Any]], s: dict[str, Any], other: str) -> list[str]:
    """A ratio table with its geometric means (overall, per size) and the slowest row."""
    lines = _ratio_table(rows, "xalbu img/s", f"{other} img/s", "ratio", "xalbu_ips", "other_ips")
    lines.append(f"| **geometric mean** | all | | | **{_fmt_ratio(s['geomean_ratio'])}** |")
    for size, g in s["geomean_ratio_by_size"].items():
        lines.append(f"| geometric mean | {size} | | | {_fmt_ratio(g)} |")
    worst = s["min_ratio"]
    return lines + [
        "",
        f"Slowest ratio: {worst['transform']} {worst['size']} ({_fmt_ratio(worst['ratio'])}); "
        f"rows below 1×: {', '.join(s['rows_below_1']) or 'none'}.",
        "",
    ]


def to_markdown(result: dict[str, Any]) -> str:
    """The Markdown report of a run's result (what ``run`` writes as ``<name>.md``)."""
    meta = result["meta"]
    other = meta["vs"]
    m = meta["machine"]
    threads = ", ".join(f"{k}={v}" for k, v in meta["threads"].items())
    clock = (
        "Clock: CPU time of the process (images per CPU second; single-threaded, so the same as wall time "
        "on an idle machine)."
        if meta["settings"].get("clock") == "cpu"
        else "Clock: wall time."
    )
    direct = " (the direct-call table: `transform(image=img)`, no Compose)" if result.get("direct") else ""
    lines = [
        f"# xalbu vs {other} {meta['versions'].get(other, '')}".rstrip() + " — CPU, single-threaded",
        "",
        f"- Date: {meta['date']}",
        f"- Machine: {m['cpu']}, {m['logical_cores']} logical cores ({m['usable_cores']} usable), "
        f"{m['platform']}; load average at start {meta['loadavg_start']}, at end {meta['loadavg_end']}",
        "- Versions: " + ", ".join(f"{k} {v}" for k, v in meta["versions"].items()),
        f"- Git: {meta['git']['commit']}" + (" (with uncommitted changes)" if meta["git"]["dirty"] else ""),
        f"- Command: `{meta['command']}`",
        f"- Method: the bundled photos ({meta['n_photos']}) resized to each size; "
        f"`Compose([transform])(image=img)` in each library{direct}, p=1, the same arguments; "
        f"{meta['settings']['warmup']} s warm-up, then {meta['settings']['repeats']} rounds, each timing ≥ "
        f"{meta['settings']['min_time']} s of calls per library in {meta['settings'].get('slices', 1)} slices "
        f"alternating between the libraries (ABBA...); median images/s; "
        f"ratio = median of the per-round ratios xalbu / {other} (> 1: xalbu is faster). {clock} "
        f"Threads: {threads}.",
        "",
    ]
    dtype = meta["settings"]["dtype"]
    for key, summary_key, title in (
        ("transforms", "summary", f"Transforms ({dtype} RGB)"),
        ("direct", "direct_summary", f"Direct calls: `transform(image=img)`, no Compose ({dtype} RGB)"),
    ):
        rows = result.get(key) or []
        if rows:
            lines += [f"## {title}", ""]
            lines += _summarised_table(rows, result.get(summary_key) or summarise(rows), other)
    for key, title in (
        ("float32", "float32 point-wise (images in [0, 1])"),
        (
            "pipeline",
            f"Detection pipeline: RandomResizedCrop {CROP} → HorizontalFlip → RandomBrightnessContrast → "
            f"Normalize; image + mask + {N_BOXES} boxes with labels",
        ),
    ):
        part = result.get(key) or []
        if part:
            lines += [f"## {title}", ""]
            lines += _ratio_table(part, "xalbu img/s", f"{other} img/s", "ratio", "xalbu_ips", "other_ips")
            lines.append(
                f"| **geometric mean** | all | | | **{_fmt_ratio(summarise(part)['geomean_ratio'])}** |"
            )
            lines.append("")
    u16 = result.get("uint16") or []
    if u16:
        lines += ["## uint16 against uint8 (xalbu)", ""]
        lines += _ratio_table(u16, "uint8 img/s", "uint16 img/s", "uint16 / uint8", "uint8_ips", "uint16_ips")
        g = result["uint16_summary"]["geomean_ratio"]  # computed by run()
        worst = min(u16, key=lambda r: r["ratio"])
        lines += [
            f"| **geometric mean** | all | | | **{_fmt_ratio(g)}** |",
            "",
            f"Slowest uint16 / uint8: {worst['transform']} {worst['size']} ({_fmt_ratio(worst['ratio'])}).",
            "",
        ]
    gpu = result.get("gpu")
    if gpu is not None:
        lines += ["## GPU batches (`pipeline.batch`)", ""]
        if gpu.get("skipped"):
            lines += [f"Skipped: {gpu['skipped']}.", ""]
        else:
            lines += [
                f"Device: {gpu['device']}; versions: "
                + ", ".join(f"{k} {v}" for k, v in gpu["versions"].items()),
                "",
                "| library | batch (N×H×W) | img/s | xalbu / library | parameters drawn |",
                "|---|---|---:|---:|---|",
            ]
            for r in gpu["rows"]:
                per = "per sample" if r["per_sample_params"] else "once per batch"
                lines.append(
                    f"| {r['library']} | {r['batch']} | {_fmt_ips(r['median_ips'])} | "
                    f"{_fmt_ratio(r['xalbu_ratio'])} | {per} |"
                )
            if gpu["missing"]:
                lines.append("")
                lines.append("Not compared (not installed): " + "; ".join(gpu["missing"]) + ".")
            lines.append("")
    if result.get("skipped"):
        lines += ["## Skipped", ""]
        for s in result["skipped"]:
            where = f" ({s['section']})" if s.get("section") else ""
            lines.append(f"- {s['transform']} {s['size']} {s['dtype']}{where}: {s['reason']}")
        lines.append("")
    return "\n".join(lines)
