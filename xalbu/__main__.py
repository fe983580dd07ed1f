"""Command line: ``python -m xalbu <command>`` (also installed as the ``xalbu`` script).

Commands:
    demo       augment the bundled sample photos, print the backend and images/s, write a contact sheet
    benchmark  time every transform against albumentations (``python -m xalbu.benchmark --help``)
    gallery    write a static HTML page showing every transform on the sample photos, with a reference table
    catalogue  rewrite the README's catalogue table (albumentations 2.0.8's transforms, and xalbu's)
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence


def _positive_int(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text}")
    return value


def _size(text: str) -> tuple[int, int]:
    """``"160"`` -> (160, 160); ``"120x160"`` -> (120, 160) (height x width)."""
    parts = text.lower().replace("×", "x").split("x")
    try:
        dims = [int(p) for p in parts]
    except ValueError:
        dims = []
    if len(dims) == 1:
        dims *= 2
    if len(dims) != 2 or min(dims) < 16:
        raise argparse.ArgumentTypeError(f"expected N or HxW with sides >= 16, got {text!r}")
    return dims[0], dims[1]


def _gallery(args: argparse.Namespace) -> int:
    from .gallery import write_gallery

    try:
        write_gallery(args.out, seeds=args.seeds, size=args.size, quality=args.quality, verbose=True)
    except (RuntimeError, OSError, ValueError) as exc:
        print(f"xalbu gallery: error: {exc}", file=sys.stderr)
        return 1
    return 0


def _catalogue(args: argparse.Namespace) -> int:
    from .gallery._catalogue import update_readme

    try:
        current = update_readme(args.readme, check=args.check)
    except (OSError, ValueError) as exc:
        print(f"xalbu catalogue: error: {exc}", file=sys.stderr)
        return 1
    if args.check and not current:
        print(f"xalbu catalogue: {args.readme}: the table is out of date (run python -m xalbu catalogue)")
        return 1
    return 0


def _demo(args: argparse.Namespace) -> int:
    from .demo import run_demo

    try:
        run_demo(
            out=args.out,
            backend=args.backend,
            repeats=args.repeats,
            seed=args.seed,
            per_sample=args.per_sample,
            columns=args.columns,
        )
    except (RuntimeError, OSError) as exc:
        print(f"xalbu demo: error: {exc}", file=sys.stderr)
        return 1
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="xalbu", description="xalbu: fast image augmentation (CPU and GPU)."
    )
    sub = parser.add_subparsers(dest="command", metavar="<command>")

    demo = sub.add_parser(
        "demo",
        help="augment the bundled sample photos and write a contact sheet",
        description="Augment the bundled sample photos (with masks and boxes) on the best available backend, "
        "print the backend and the images per second, and write a contact sheet PNG.",
    )
    demo.add_argument("--out", default="xalbu_demo.png", help="contact sheet path (default: %(default)s)")
    demo.add_argument(
        "--backend",
        choices=("auto", "numpy", "cupy"),
        default="auto",
        help="auto: CuPy when a CUDA device is usable, else NumPy/OpenCV (default: %(default)s)",
    )
    demo.add_argument("--repeats", type=_positive_int, default=10, help="timed rounds (default: %(default)s)")
    demo.add_argument("--seed", type=int, default=0, help="random seed (default: %(default)s)")
    demo.add_argument(
        "--per-sample",
        type=_positive_int,
        default=None,
        help="augmented copies of each photo per round (default: 8 on CPU, 128 on CuPy)",
    )
    demo.add_argument(
        "--columns",
        type=_positive_int,
        default=5,
        help="augmentations per photo in the sheet (default: %(default)s)",
    )
    demo.set_defaults(func=_demo)

    gallery = sub.add_parser(
        "gallery",
        help="write a static HTML gallery of every transform, with a reference table",
        description="Apply every registered transform to the bundled photos (mask, boxes and keypoints drawn) "
        "for a few seeds and write DIR/index.html (one section per family, pictures in DIR/img) and "
        "DIR/reference.md (targets, dtypes, CPU kernels and GPU path of every transform).",
    )
    gallery.add_argument("--out", required=True, metavar="DIR", help="output folder (created if needed)")
    gallery.add_argument(
        "--seeds", type=_positive_int, default=2, help="seeds per photo (default: %(default)s)"
    )
    gallery.add_argument(
        "--size",
        type=_size,
        default=(128, 128),
        metavar="HxW",
        help="photos are scaled and centre-cropped to this size first (default: 128x128)",
    )
    gallery.add_argument(
        "--quality",
        type=int,
        default=55,
        choices=range(1, 101),
        metavar="Q",
        help="JPEG quality (default: %(default)s)",
    )
    gallery.set_defaults(func=_gallery)

    catalogue = sub.add_parser(
        "catalogue",
        help="rewrite the README's catalogue table",
        description="Rewrite the table between the catalogue markers of the README: every public transform "
        "of albumentations 2.0.8 with whether xalbu has it, and xalbu's other transforms.",
    )
    catalogue.add_argument("--readme", default="README.md", help="the README (default: %(default)s)")
    catalogue.add_argument("--check", action="store_true", help="only say whether the table is current")
    catalogue.set_defaults(func=_catalogue)

    # listed for --help; its arguments are parsed by xalbu.benchmark itself (see main)
    sub.add_parser(
        "benchmark",
        add_help=False,
        help="time every transform against albumentations, single-threaded (--help for options)",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``python -m xalbu`` and the ``xalbu`` script; returns the exit code."""
    argv = list(sys.argv[1:] if argv is None else argv)
    if argv[:1] == ["benchmark"]:
        from .benchmark import main as benchmark_main

        return benchmark_main(argv[1:])
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
