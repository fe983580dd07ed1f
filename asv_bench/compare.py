"""Benchmark two revisions of xalbu with the asv suite and fail on slowdowns.

    python asv_bench/compare.py main WORKTREE            # main against the working tree
    python asv_bench/compare.py v0.1.0 HEAD --factor 1.3 --bench "tone|pipeline"

``asv continuous`` refuses ``environment_type: existing`` and ``asv compare`` always exits 0, so
this script does the same job in the existing environment (the Python that runs it):

1. Each revision (a git revision, or ``WORKTREE`` for the files as they are now, uncommitted
   changes included) is copied to a temporary folder and installed from there with
   ``pip install --no-deps --target <tmp>/site-<label>`` (installed, not put on ``PYTHONPATH`` as
   source: ``backends/`` ships as ``xalbu.backends``; built with this environment's setuptools when
   it can, offline, else in pip's isolated build environment: :func:`build_isolation_reason`); the script checks that ``import xalbu``
   resolves to that copy when ``PYTHONPATH`` points at it, and the suite checks it again in asv's
   benchmark processes (asv replaces ``PYTHONPATH`` there by ``ASV_PYTHONPATH``, which is set too).
2. The benchmark suite of the working tree (``asv_bench/benchmarks``) runs against each install:
   ``asv run --python=same --set-commit-hash <commit> --record-samples`` with ``PYTHONPATH`` set,
   every run with its own results folder. The revisions alternate over ``--rounds`` runs (ABBA), so
   drift of the machine's load hits both alike.
3. Every case (benchmark + parameters) measured in both is compared. A run's time of a case is the
   minimum of its samples (``--statistic``; a burst of load inside a run does not count); the
   ratio is the median over the rounds of ``time(new) / time(old)`` within the round (the two runs
   of a round are back to back, so load that changes between rounds cancels). Cases over the factor
   run again, both revisions, one more round at a time, until they are not (noise) or ``--confirm``
   more rounds have kept them over it. The script prints the table
   and exits 1 when any ratio exceeds ``--factor`` or a case that ran before fails now; 0
   otherwise; 2 on a setup error.

The default factor (1.5) and the noise measurement behind it are in ``asv_bench/README.md``.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import io
import itertools
import json
import math
import os
import re
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
WORKTREE = "WORKTREE"
DEFAULT_FACTOR = 1.5


class CompareError(RuntimeError):
    """A setup problem (bad revision, failed install, asv missing): exit code 2."""


# ----------------------------------------------------------------------------- reading asv results
def _params_key(values: tuple[str, ...]) -> str:
    return "(" + ", ".join(values) + ")" if values else ""


STATISTICS = ("min", "median")


def load_results(path: str | Path, statistic: str = "min") -> dict[str, float | None]:
    """One asv result file (format version 2) -> ``{"bench.name(param, ...)": seconds}``.

    The value of a case is ``statistic`` over its recorded samples (``asv run --record-samples``),
    or asv's own result (the median) when the file holds no samples. A case that failed is ``None``;
    a skipped case (asv's n/a, e.g. CuPy without a GPU) is left out.
    """
    if statistic not in STATISTICS:
        raise ValueError(f"statistic: expected one of {STATISTICS}, got {statistic!r}")
    data = json.loads(Path(path).read_text())
    columns = data.get("result_columns", ["result", "params"])
    i_result, i_params = columns.index("result"), columns.index("params")
    i_samples = columns.index("samples") if "samples" in columns else None
    reduce = min if statistic == "min" else statistics.median
    out: dict[str, float | None] = {}
    for name, entry in data.get("results", {}).items():
        values = entry[i_result] if len(entry) > i_result else None
        params = entry[i_params] if len(entry) > i_params else []
        samples = entry[i_samples] if i_samples is not None and len(entry) > i_samples else None
        combos = list(itertools.product(*params)) if params else [()]
        if values is None:  # the whole benchmark failed (e.g. setup_cache)
            values = [None] * len(combos)
        if not isinstance(values, list):
            values = [values]
        if not isinstance(samples, list) or len(samples) != len(values):
            samples = [None] * len(values)
        for combo, value, case_samples in zip(combos, values, samples, strict=False):
            key = name + _params_key(tuple(str(v) for v in combo))
            if value is None:
                out[key] = None
            elif isinstance(value, (int, float)) and math.isnan(value):
                continue  # skipped: n/a
            elif case_samples:
                out[key] = float(reduce(case_samples))
            else:
                out[key] = float(value)
    return out


def combine(runs: list[dict[str, float | None]]) -> dict[str, float | None]:
    """Several runs of one revision -> per case, the median over the runs that have it.

    A case that failed in any run is ``None`` (failing).
    """
    out: dict[str, float | None] = {}
    for key in sorted({k for run in runs for k in run}):
        values = [run[key] for run in runs if key in run]
        out[key] = None if any(v is None for v in values) else float(statistics.median(values))
    return out


def find_result_file(results_dir: Path) -> Path:
    files = [p for p in results_dir.glob("*/*.json") if p.name != "machine.json"]
    if len(files) != 1:
        raise CompareError(
            f"expected one asv result file under {results_dir}, found {[str(f) for f in files]}"
        )
    return files[0]


# ----------------------------------------------------------------------------- the decision
@dataclass
class Row:
    key: str
    old: float | None  # median over the runs; None: failed
    new: float | None
    ratio: float | None = None  # median over rounds of new / old; None: not comparable

    def __post_init__(self) -> None:
        if self.ratio is None and self.old and self.new is not None:
            self.ratio = self.new / self.old


@dataclass
class Comparison:
    factor: float
    rows: list[Row] = field(default_factory=list)
    regressions: list[Row] = field(default_factory=list)  # slower than factor
    broken: list[Row] = field(default_factory=list)  # ran before, fails now
    improvements: list[Row] = field(default_factory=list)  # faster than factor
    only_old: list[str] = field(default_factory=list)
    only_new: list[str] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return bool(self.regressions or self.broken)


Results = dict[str, float | None]


def compare(old: Results | list[Results], new: Results | list[Results], factor: float) -> Comparison:
    """Every case measured in both: regression when ``new / old > factor`` or when it fails now.

    ``old`` and ``new`` are one run each, or lists of runs where ``old[i]`` and ``new[i]`` ran in the
    same round (back to back). The ratio of a case is the median over the rounds that measured it
    in both of ``new[i] / old[i]``: pairing the rounds cancels load that changes between rounds.
    """
    if not factor > 1:
        raise ValueError(f"factor: expected a number > 1, got {factor}")
    old_runs = old if isinstance(old, list) else [old]
    new_runs = new if isinstance(new, list) else [new]
    if len(old_runs) != len(new_runs):
        raise ValueError(f"old, new: expected as many runs in both, got {len(old_runs)} and {len(new_runs)}")
    old_all, new_all = combine(old_runs), combine(new_runs)
    result = Comparison(factor)
    for key in sorted(set(old_all) & set(new_all)):
        pairs = [
            (o[key], n[key])
            for o, n in zip(old_runs, new_runs, strict=True)
            if o.get(key) is not None and n.get(key) is not None and o[key] > 0
        ]
        ratio = statistics.median(n / o for o, n in pairs) if pairs else None
        row = Row(key, old_all[key], new_all[key], ratio)
        result.rows.append(row)
        if row.old is not None and row.new is None:
            result.broken.append(row)
        elif row.ratio is not None and row.ratio > factor:
            result.regressions.append(row)
        elif row.ratio is not None and row.ratio < 1 / factor:
            result.improvements.append(row)
    result.only_old = sorted(set(old_all) - set(new_all))
    result.only_new = sorted(set(new_all) - set(old_all))
    result.regressions.sort(key=lambda r: -(r.ratio or 0))
    return result


def _fmt_time(t: float | None) -> str:
    if t is None:
        return "failed"
    for unit, scale in (("s", 1.0), ("ms", 1e-3), ("us", 1e-6)):
        if t >= scale:
            return f"{t / scale:.3g} {unit}"
    return f"{t / 1e-9:.3g} ns"


def report(result: Comparison, old_label: str, new_label: str, show_all: bool = False) -> str:
    lines = []
    shown = result.rows if show_all else result.regressions + result.broken + result.improvements
    if shown:
        width = max(len(r.key) for r in shown)
        lines.append(f"{'benchmark':<{width}}  {old_label:>12}  {new_label:>12}  ratio")
        for r in sorted(shown, key=lambda r: -(r.ratio if r.ratio is not None else math.inf)):
            ratio = "failed" if r.ratio is None else f"{r.ratio:.2f}"
            mark = ""
            if r in result.regressions or r in result.broken:
                mark = "  <- SLOWER" if r in result.regressions else "  <- FAILS NOW"
            elif r in result.improvements:
                mark = "  (faster)"
            lines.append(f"{r.key:<{width}}  {_fmt_time(r.old):>12}  {_fmt_time(r.new):>12}  {ratio}{mark}")
        lines.append("")
    ratios = [r.ratio for r in result.rows if r.ratio is not None]
    if ratios:
        geo = math.exp(sum(math.log(x) for x in ratios) / len(ratios))
        lines.append(
            f"{len(result.rows)} cases compared; geometric mean ratio {new_label}/{old_label} {geo:.3f}; "
            f"max {max(ratios):.2f}, min {min(ratios):.2f}"
        )
    if result.only_old:
        lines.append(f"{len(result.only_old)} cases only in {old_label} (skipped or removed in {new_label})")
    if result.only_new:
        lines.append(f"{len(result.only_new)} cases only in {new_label} (new, or skipped in {old_label})")
    if result.failed:
        lines.append(
            f"FAIL: {len(result.regressions)} case(s) slower than {result.factor}x, "
            f"{len(result.broken)} case(s) failing now"
        )
    else:
        lines.append(f"OK: no case slower than {result.factor}x")
    return "\n".join(lines)


# ----------------------------------------------------------------------------- building the revisions
def _git(*args: str) -> str:
    proc = subprocess.run(["git", "-C", str(ROOT), *args], capture_output=True, text=True)
    if proc.returncode != 0:
        raise CompareError(f"git {' '.join(args)}: {proc.stderr.strip()}")
    return proc.stdout.strip()


def resolve(rev: str) -> str:
    """The commit hash of ``rev`` (``WORKTREE``: of HEAD, the commit the working tree is based on)."""
    return _git("rev-parse", "--verify", ("HEAD" if rev == WORKTREE else rev) + "^{commit}")


def export(rev: str, dest: Path) -> Path:
    """A clean copy of the source tree of ``rev`` in ``dest``.

    ``WORKTREE``: the files git sees now (tracked, and untracked ones that are not ignored), so that
    no stale build output of the repository gets installed; otherwise ``git archive``.
    """
    dest.mkdir(parents=True)
    if rev == WORKTREE:
        listing = subprocess.run(
            ["git", "-C", str(ROOT), "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            capture_output=True,
        )
        if listing.returncode != 0:
            raise CompareError(f"git ls-files: {listing.stderr.decode(errors='replace').strip()}")
        for name in filter(None, listing.stdout.decode().split("\0")):
            src = ROOT / name
            if src.is_file():  # a deleted but still tracked file is not copied
                (dest / name).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(src, dest / name)
        return dest
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", "--format=tar", rev], capture_output=True)
    if archive.returncode != 0:
        raise CompareError(f"git archive {rev}: {archive.stderr.decode(errors='replace').strip()}")
    with tarfile.open(fileobj=io.BytesIO(archive.stdout)) as tar:
        if hasattr(tarfile, "data_filter"):
            tar.extractall(dest, filter="data")
        else:  # Python < 3.11.4: the archive comes from our own repository
            tar.extractall(dest)  # noqa: S202
    return dest


def _installed_version(name: str) -> str | None:
    try:
        return importlib.metadata.version(name)
    except importlib.metadata.PackageNotFoundError:
        return None


def build_isolation_reason(
    pyproject_text: str, installed: Callable[[str], str | None] = _installed_version
) -> str | None:
    """Why pip must build a revision in an isolated build environment; ``None`` when this one will do.

    Building without isolation needs no network (the revisions are built with this environment's
    setuptools), but only works when the environment has what the build asks for: the
    ``build-system.requires`` of the revision's ``pyproject.toml`` and, for setuptools older than
    70.1, the ``wheel`` package (their ``bdist_wheel`` command lives there: a fresh virtualenv of
    Python 3.11 has setuptools 65 and no ``wheel``, and pip then fails with "invalid command
    'bdist_wheel'"). Otherwise pip builds in isolation, fetching the build requirements from the
    package index (PyPI, or pip's configured index).
    """
    try:
        import tomllib
        from packaging.requirements import InvalidRequirement, Requirement
        from packaging.version import InvalidVersion, Version
    except ImportError as exc:
        return f"cannot check the build requirements here ({exc})"
    try:
        build = tomllib.loads(pyproject_text).get("build-system", {})
    except tomllib.TOMLDecodeError as exc:
        return f"pyproject.toml does not parse ({exc})"
    backend = build.get("build-backend", "setuptools.build_meta:__legacy__")
    requires = build.get("requires", ["setuptools>=40.8.0"])
    try:
        for text in requires:
            req = Requirement(text)
            have = installed(req.name)
            if have is None:
                return f"{req.name} is not installed"
            if not req.specifier.contains(have, prereleases=True):
                return f"{req.name} {have} does not satisfy {text!r}"
        if backend.startswith("setuptools"):
            have = installed("setuptools")
            if have is None:
                return "setuptools is not installed"
            if Version(have) < Version("70.1") and installed("wheel") is None:
                return f"setuptools {have} needs the wheel package to build wheels, and it is not installed"
    except (InvalidRequirement, InvalidVersion) as exc:
        return f"cannot check the build requirements here ({exc})"
    return None


def install(src: Path, target: Path, verbose: bool) -> None:
    """``pip install --no-deps --target`` (the current environment provides the dependencies).

    Without build isolation when this environment can build the revision (offline), else with it
    (:func:`build_isolation_reason`).
    """
    cmd = [sys.executable, "-m", "pip", "install", "--no-deps", "--no-compile", "--target", str(target)]
    pyproject = src / "pyproject.toml"
    reason = build_isolation_reason(pyproject.read_text()) if pyproject.is_file() else "no pyproject.toml"
    if reason is None:
        cmd.append("--no-build-isolation")
    elif verbose:
        print(f"  building in an isolated environment: {reason}", flush=True)
    cmd.append(str(src))
    proc = subprocess.run(cmd, capture_output=not verbose, text=True)
    if proc.returncode != 0:
        hint = (
            f"\n(built in an isolated environment because {reason}: pip needs the package index for "
            "that; to build offline instead, pip install 'setuptools>=70.1' in this environment)"
            if reason is not None
            else ""
        )
        raise CompareError(
            f"pip install {src} failed:\n{(proc.stdout or '')[-2000:]}{(proc.stderr or '')[-2000:]}{hint}"
        )


def check_import(target: Path, env: dict[str, str]) -> str:
    """Where ``import xalbu`` resolves with ``env``; must be inside ``target``."""
    code = "import xalbu, xalbu.backends; print(xalbu.__file__)"
    proc = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env=env, cwd=tempfile.gettempdir()
    )
    where = proc.stdout.strip()
    if proc.returncode != 0 or not Path(where).resolve().is_relative_to(target.resolve()):
        raise CompareError(
            f"import xalbu does not resolve to the install in {target}: {where or proc.stderr.strip()[-500:]}"
        )
    return where


def write_config(path: Path, results_dir: Path, html_dir: Path, env_dir: Path) -> None:
    """A copy of ``asv.conf.json`` with absolute paths and its own results folder."""
    text = "\n".join(
        line
        for line in (HERE / "asv.conf.json").read_text().splitlines()
        if not line.lstrip().startswith("//")
    )
    conf = json.loads(text)
    conf.update(
        branches=["HEAD"],  # asv resolves them even with --set-commit-hash: any checkout has HEAD
        repo=str(ROOT),
        benchmark_dir=str(HERE / "benchmarks"),
        results_dir=str(results_dir),
        html_dir=str(html_dir),
        env_dir=str(env_dir),
    )
    path.write_text(json.dumps(conf, indent=2))


def run_asv(
    conf: Path,
    commit: str,
    env: dict[str, str],
    args: argparse.Namespace,
    bench: list[str] | None = None,
) -> None:
    cmd = ["asv", "run", "--config", str(conf), "--python=same", "--set-commit-hash", commit]
    cmd += ["--launch-method", "forkserver", "--record-samples"]
    for regex in bench if bench is not None else [args.bench] if args.bench else []:
        cmd += ["--bench", regex]
    for attr in args.attribute or []:
        cmd += ["--attribute", attr]
    if args.show_stderr:
        cmd.append("--show-stderr")
    proc = subprocess.run(cmd, env=env, cwd=str(HERE), capture_output=not args.verbose, text=True)
    # exit code 2: some benchmark failed; that is judged from the results (a failure in the old
    # revision is not a regression), so only other codes stop the script
    if proc.returncode not in (0, 2):
        raise CompareError(
            f"asv run failed ({proc.returncode}):\n{(proc.stdout or '')[-3000:]}{proc.stderr or ''}"
        )


def case_regex(key: str) -> str:
    """asv's ``--bench`` regex selecting exactly one case (asv matches ``name(param, ...)``)."""
    return "^" + re.escape(key) + "$"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python asv_bench/compare.py",
        description="Run the asv suite on two revisions in the current environment; exit 1 if any "
        "benchmark got slower by more than --factor (or fails now).",
    )
    parser.add_argument("old", help="baseline: a git revision (e.g. main) or WORKTREE")
    parser.add_argument("new", nargs="?", default=WORKTREE, help="candidate (default: %(default)s)")
    parser.add_argument(
        "--factor",
        type=float,
        default=DEFAULT_FACTOR,
        help="fail when time(new)/time(old) exceeds this (default: %(default)s; see README)",
    )
    parser.add_argument("--bench", "-b", default=None, help="regex of benchmarks to run (asv run --bench)")
    parser.add_argument(
        "--attribute",
        "-a",
        action="append",
        help="asv benchmark attribute override, e.g. repeat=5 (repeatable)",
    )
    parser.add_argument(
        "--rounds", type=int, default=2, help="asv runs per revision, alternating ABBA (default: %(default)s)"
    )
    parser.add_argument(
        "--confirm",
        type=int,
        default=6,
        help="at most this many extra alternating runs of only the cases still over the factor, before "
        "deciding (default: %(default)s)",
    )
    parser.add_argument(
        "--statistic",
        choices=STATISTICS,
        default="min",
        help="a case's time in one run, over the run's samples (default: %(default)s)",
    )
    parser.add_argument(
        "--quick-grid",
        action="store_true",
        help="XALBU_BENCH_QUICK=1: the small grid (numpy, uint8, 256x256) with real timings",
    )
    parser.add_argument("--show-all", action="store_true", help="print every case, not only the changed ones")
    parser.add_argument("--json", default=None, help="also write the comparison to this JSON file")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (installs, results)")
    parser.add_argument("--show-stderr", action="store_true", help="pass --show-stderr to asv run")
    parser.add_argument("--verbose", "-v", action="store_true", help="show pip's and asv's output")
    args = parser.parse_args(argv)
    if not args.factor > 1:
        parser.error(f"--factor: expected a number > 1, got {args.factor}")
    if args.rounds < 1 or args.confirm < 0:
        parser.error("--rounds: expected at least 1; --confirm: expected at least 0")
    if shutil.which("asv") is None:
        print("compare.py: error: asv is not installed (pip install asv)", file=sys.stderr)
        return 2

    tmp = Path(tempfile.mkdtemp(prefix="xalbu-compare-"))
    try:
        subprocess.run(["asv", "machine", "--yes"], cwd=str(HERE), capture_output=True, check=False)
        revs = {"old": args.old, "new": args.new}
        prepared: dict[str, tuple[str, dict[str, str]]] = {}
        for label, rev in revs.items():
            commit = resolve(rev)
            src = export(rev, tmp / f"src-{label}")
            site = tmp / f"site-{label}"
            print(f"{label}: {rev} ({commit[:10]}): installing into {site}", flush=True)
            install(src, site, args.verbose)
            env = dict(os.environ)
            env["PYTHONPATH"] = os.pathsep.join([str(site), *filter(None, [os.environ.get("PYTHONPATH")])])
            # asv drops PYTHONPATH in its benchmark processes and puts ASV_PYTHONPATH first on
            # sys.path instead; the suite refuses to run on any other xalbu (XALBU_BENCH_EXPECT)
            env["ASV_PYTHONPATH"] = env["PYTHONPATH"]
            env["XALBU_BENCH_EXPECT"] = str(site)
            if args.quick_grid:
                env["XALBU_BENCH_QUICK"] = "1"
            check_import(site, env)
            prepared[label] = (commit, env)
        runs: dict[str, list[dict[str, float | None]]] = {"old": [], "new": []}

        def measure(rounds: int, first: int, bench: list[str] | None) -> Comparison:
            for r in range(first, first + rounds):
                order = ["old", "new"] if r % 2 == 0 else ["new", "old"]
                for label in order:
                    commit, env = prepared[label]
                    what = "all benchmarks" if bench is None else f"{len(bench)} case(s) over the factor"
                    print(f"run {r + 1}: {label} ({revs[label]}), {what}", flush=True)
                    conf, results = tmp / f"asv-{label}-{r + 1}.conf.json", tmp / f"results-{label}-{r + 1}"
                    write_config(conf, results, tmp / "html", tmp / "env")
                    run_asv(conf, commit, env, args, bench=bench)
                    runs[label].append(load_results(find_result_file(results), args.statistic))
            return compare(runs["old"], runs["new"], args.factor)

        result = measure(args.rounds, 0, None)
        # a case over the factor runs again, one more round at a time, until it is not (noise: load
        # during its runs) or --confirm more rounds have kept it over (a real slowdown)
        done = args.rounds
        while result.regressions and done < args.rounds + args.confirm:
            suspects = [case_regex(r.key) for r in result.regressions]
            result = measure(1, done, suspects)
            done += 1
        print(report(result, args.old, args.new, args.show_all))
        if args.json:
            Path(args.json).write_text(
                json.dumps(
                    {
                        "old": args.old,
                        "new": args.new,
                        "factor": args.factor,
                        "statistic": args.statistic,
                        "failed": result.failed,
                        "rows": [
                            {"benchmark": r.key, "old": r.old, "new": r.new, "ratio": r.ratio}
                            for r in result.rows
                        ],
                    },
                    indent=1,
                )
            )
        return 1 if result.failed else 0
    except CompareError as exc:
        print(f"compare.py: error: {exc}", file=sys.stderr)
        return 2
    finally:
        if args.keep:
            print(f"kept {tmp}")
        else:
            shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
