"""Command line: ``python -m xalbu <command>`` (also installed as the ``xalbu`` script).

Commands:
    demo       augment the bundled sample photos, print the backend and images/s, write a contact sheet
    benchmark  time every transform against albumentations (``python -m xalbu.benchmark --help``)
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
