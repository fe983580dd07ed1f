"""The run and the command line: ``python -m xalbu.benchmark`` and ``python -m xalbu benchmark``."""

from __future__ import annotations

import argparse
import datetime as _dt
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ._timing import CLOCKS, geometric_mean, set_clock
from .data import common_transforms, import_library, parse_size, photos, size_label
from .gpu import gpu_section
from .options import (
    DEFAULT_SECTIONS,
    DTYPES,
    POINTWISE_FLOAT,
    SECTIONS,
    SECTIONS_VS,
    THREAD_ENV,
    BenchmarkError,
    Options,
    log,
)
from .report import git_info, loadavg, machine_info, summarise, to_markdown, versions
from .sections import build_direct, compare_pipeline, compare_transforms, compare_uint16


def run(opts: Options) -> dict[str, Any]:
    """Run the sections in ``opts``, write ``<out_dir>/<name>.md`` and ``.json``; return the result."""
    import cv2

    unknown = [s for s in opts.sections if s not in SECTIONS]
    if unknown:
        raise BenchmarkError(f"--sections: unknown {unknown}; expected some of {list(SECTIONS)}")
    if opts.dtype not in DTYPES:
        raise BenchmarkError(f"--dtype: expected one of {list(DTYPES)}, got {opts.dtype!r}")
    if opts.repeats < 1:
        raise BenchmarkError(f"--repeats: expected at least 1, got {opts.repeats}")
    if opts.slices < 1:
        raise BenchmarkError(f"--slices: expected at least 1, got {opts.slices}")
    set_clock(opts.clock)
    cv2.setNumThreads(0)
    xa = import_library("xalbu")
    needs_other = any(s in opts.sections for s in SECTIONS_VS)
    other = import_library(opts.vs) if needs_other else None
    if other is not None:
        names = common_transforms(other)
    else:
        names = sorted(xa.TRANSFORMS)
    if opts.transforms:
        wanted = set(opts.transforms)
        unknown = sorted(wanted - set(xa.TRANSFORMS))
        if unknown:
            raise BenchmarkError(f"--transforms: not xalbu transforms: {unknown}")
        names = [n for n in names if n in wanted]
    loadavg_start = loadavg()
    threads = {k: os.environ.get(k, "unset") for k in THREAD_ENV}
    threads["cv2.getNumThreads()"] = str(cv2.getNumThreads())
    result: dict[str, Any] = {
        "meta": {
            "date": _dt.datetime.now(_dt.timezone.utc).astimezone().isoformat(timespec="seconds"),
            "vs": opts.vs,
            "machine": machine_info(),
            "versions": versions(other),
            "git": git_info(),
            "command": opts.command or "python -m xalbu.benchmark",
            "threads": threads,
            "n_photos": len(photos((16, 16))),
            "loadavg_start": loadavg_start,
            "settings": {
                "repeats": opts.repeats,
                "slices": opts.slices,
                "min_time": opts.min_time,
                "warmup": opts.warmup,
                "dtype": opts.dtype,
                "clock": opts.clock,
                "sizes": [size_label(s) for s in opts.resolved_sizes()],
                "sections": list(opts.sections),
                "transforms": names,
            },
        }
    }
    skipped: list[dict[str, str]] = []
    if "transforms" in opts.sections:
        log(opts, f"transforms ({opts.dtype}): xalbu vs {opts.vs}")
        rows = compare_transforms(opts, xa, other, names, opts.dtype, skipped)
        result["transforms"] = rows
        result["summary"] = summarise(rows)
    if "direct" in opts.sections:
        log(opts, f"direct calls, transform(image=img) ({opts.dtype}): xalbu vs {opts.vs}")
        rows = compare_transforms(opts, xa, other, names, opts.dtype, skipped, build_direct, "direct")
        result["direct"] = rows
        result["direct_summary"] = summarise(rows)
    if "float32" in opts.sections:
        pointwise = [n for n in POINTWISE_FLOAT if n in names]
        if pointwise:
            log(opts, f"float32 point-wise: xalbu vs {opts.vs}")
            result["float32"] = compare_transforms(
                opts, xa, other, pointwise, "float32", skipped, section="float32"
            )
    if "pipeline" in opts.sections:
        log(opts, f"detection pipeline: xalbu vs {opts.vs}")
        result["pipeline"] = compare_pipeline(opts, xa, other)
    if "uint16" in opts.sections:
        log(opts, "uint16 against uint8: xalbu")
        result["uint16"] = compare_uint16(opts, xa, names)
        result["uint16_summary"] = {"geomean_ratio": geometric_mean([r["ratio"] for r in result["uint16"]])}
    if "gpu" in opts.sections:
        log(opts, "GPU batches: xalbu vs kornia, torchvision")
        result["gpu"] = gpu_section(opts)
        if result["gpu"].get("skipped"):
            log(opts, f"  GPU section skipped: {result['gpu']['skipped']}")
    result["skipped"] = skipped
    result["meta"]["loadavg_end"] = loadavg()

    out_dir = Path(opts.out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    stem = opts.name or f"cpu_vs_{opts.vs}"
    (out_dir / f"{stem}.json").write_text(json.dumps(result, indent=1, default=str) + "\n")
    (out_dir / f"{stem}.md").write_text(to_markdown(result) + "\n")
    for key, what in (("summary", ""), ("direct_summary", " (direct calls)")):
        if key in result and result[key]["geomean_ratio"] is not None:
            log(opts, f"geometric mean ratio xalbu / {opts.vs}{what}: {result[key]['geomean_ratio']:.2f}")
    log(opts, f"wrote {out_dir / (stem + '.md')} and {out_dir / (stem + '.json')}")
    return result


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m xalbu.benchmark",
        description="Time every transform xalbu shares with another library, single-threaded, on the bundled "
        "photos; write a Markdown and a JSON table of images/s and ratios.",
    )
    parser.add_argument(
        "--vs",
        default="albumentations",
        choices=("albumentations", "xalbu"),
        help="library to compare with; 'xalbu' compares xalbu with itself (the method's noise) "
        "(default: %(default)s)",
    )
    parser.add_argument(
        "--transforms", default=None, help="comma-separated transform names (default: all common ones)"
    )
    parser.add_argument(
        "--sizes", default="256,1024", help="comma-separated N or HxW image sizes (default: %(default)s)"
    )
    parser.add_argument("--dtype", default="uint8", choices=DTYPES, help="image dtype of the main table")
    parser.add_argument(
        "--repeats", type=int, default=7, help="timed rounds per library (default: %(default)s)"
    )
    parser.add_argument(
        "--min-time", type=float, default=0.1, help="seconds per timed loop at least (default: %(default)s)"
    )
    parser.add_argument(
        "--slices",
        type=int,
        default=10,
        help="each round's loop is cut into this many slices alternating between the libraries "
        "(default: %(default)s)",
    )
    parser.add_argument(
        "--warmup",
        type=float,
        default=0.05,
        help="warm-up seconds per library and row (default: %(default)s)",
    )
    parser.add_argument(
        "--sections",
        default=",".join(DEFAULT_SECTIONS),
        help=f"comma-separated, of {','.join(SECTIONS)} (default: %(default)s)",
    )
    parser.add_argument(
        "--gpu", action="store_true", help="add the GPU batch section (CuPy vs kornia, torchvision)"
    )
    parser.add_argument(
        "--gpu-batches",
        default="256x256,64x1024",
        help="GPU batches as NxSIDE (N images of SIDE x SIDE), comma-separated (default: %(default)s)",
    )
    parser.add_argument(
        "--clock",
        default="wall",
        choices=tuple(CLOCKS),
        help="wall: images per wall-clock second; cpu: per CPU second of this process, which leaves out "
        "waiting for a core on a busy machine (single-threaded, so equal on an idle one; the GPU "
        "section always uses the wall clock) (default: %(default)s)",
    )
    parser.add_argument(
        "--out-dir", default=".", help="folder of the .md and .json files (default: %(default)s)"
    )
    parser.add_argument("--name", default=None, help="file name stem (default: cpu_vs_<vs>)")
    parser.add_argument("--quiet", action="store_true", help="print only errors")
    parser.add_argument(
        "--no-reexec",
        action="store_true",
        help="do not restart with OMP/MKL/OpenBLAS threads = 1 when they are not set",
    )
    return parser


def _options(args: argparse.Namespace, argv: Sequence[str]) -> Options:
    sections = tuple(s.strip() for s in args.sections.split(",") if s.strip())
    if args.gpu and "gpu" not in sections:
        sections += ("gpu",)
    batches = []
    for item in args.gpu_batches.split(","):
        try:
            n, side = (int(v) for v in item.lower().split("x"))
        except ValueError:
            raise BenchmarkError(f"--gpu-batches: expected NxSIDE, got {item!r}") from None
        batches.append((n, side))
    return Options(
        vs=args.vs,
        transforms=[t.strip() for t in args.transforms.split(",") if t.strip()] if args.transforms else None,
        sizes=[parse_size(s.strip()) for s in args.sizes.split(",") if s.strip()],
        dtype=args.dtype,
        repeats=args.repeats,
        slices=args.slices,
        min_time=args.min_time,
        warmup=args.warmup,
        sections=sections,
        out_dir=args.out_dir,
        name=args.name,
        clock=args.clock,
        gpu_batches=tuple(batches),
        command=" ".join(["python -m xalbu.benchmark", *argv]),
        verbose=not args.quiet,
    )


def _reexec(argv: Sequence[str]) -> None:
    """Restart ``python -m xalbu.benchmark argv`` with the thread variables set (before NumPy loads)."""
    env = dict(os.environ)
    env.update(THREAD_ENV)
    env["XALBU_BENCHMARK_CHILD"] = "1"
    os.execve(sys.executable, [sys.executable, "-m", "xalbu.benchmark", *argv], env)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``python -m xalbu.benchmark`` and ``python -m xalbu benchmark``."""
    argv = list(sys.argv[1:] if argv is None else argv)
    args = build_parser().parse_args(argv)
    threads_ok = all(os.environ.get(k) == v for k, v in THREAD_ENV.items())
    if not threads_ok and not args.no_reexec and os.environ.get("XALBU_BENCHMARK_CHILD") != "1":
        sys.stdout.flush()
        _reexec(argv)
    try:
        run(_options(args, argv))
    except BenchmarkError as exc:
        print(f"xalbu benchmark: error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
