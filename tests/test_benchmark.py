"""The benchmark tooling: the side-by-side command (xalbu.benchmark), the asv suite and compare.py.

Fast smoke tests: tiny images, one or two rounds. Timings themselves are not checked.
"""

from __future__ import annotations

import importlib.util
import json
import math
import os
import pkgutil
import shutil
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

import xalbu
import xalbu.transforms
from xalbu import benchmark as B
from xalbu.benchmark import _timing

ROOT = Path(__file__).resolve().parents[1]
ASV = ROOT / "asv_bench"


def _has_albumentations() -> bool:
    return importlib.util.find_spec("albumentations") is not None


def _tiny(tmp_path: Path, **kw) -> B.Options:
    opts = dict(
        vs="xalbu",
        transforms=["HorizontalFlip", "RandomGamma"],
        sizes=[(32, 48)],
        repeats=2,
        min_time=0.001,
        warmup=0.0,
        out_dir=str(tmp_path),
        verbose=False,
    )
    opts.update(kw)
    return B.Options(**opts)


# ----------------------------------------------------------------------------- side by side
def _check_outputs(tmp_path: Path, stem: str, other: str) -> dict:
    data = json.loads((tmp_path / f"{stem}.json").read_text())
    md = (tmp_path / f"{stem}.md").read_text()
    meta = data["meta"]
    for key in ("date", "machine", "versions", "git", "command", "threads", "settings", "loadavg_start"):
        assert key in meta
    assert meta["vs"] == other
    assert meta["machine"]["cpu"] and meta["machine"]["logical_cores"] >= 1
    assert {"python", "numpy", "opencv", "xalbu"} <= set(meta["versions"])
    assert "commit" in meta["git"]
    assert f"| transform | size | xalbu img/s | {other} img/s | ratio |" in md
    assert "geometric mean" in md
    return data


def test_side_by_side_writes_json_and_markdown(tmp_path):
    result = B.run(_tiny(tmp_path, sections=("transforms", "direct", "float32", "pipeline", "uint16")))
    data = _check_outputs(tmp_path, "cpu_vs_xalbu", "xalbu")
    assert data["transforms"] == json.loads(json.dumps(result["transforms"]))
    rows = data["transforms"]
    assert [(r["transform"], r["size"], r["dtype"]) for r in rows] == [
        ("HorizontalFlip", "32x48", "uint8"),
        ("RandomGamma", "32x48", "uint8"),
    ]
    for r in rows:
        assert r["xalbu_ips"] > 0 and r["other_ips"] > 0 and r["ratio"] > 0
        assert len(r["xalbu"]["rounds_ips"]) == 2 and r["xalbu"]["calls_per_round"] % 3 == 0
    s = data["summary"]
    assert s["n"] == 2 and s["geomean_ratio"] > 0 and set(s["geomean_ratio_by_size"]) == {"32x48"}
    assert [(r["transform"], r["size"], r["dtype"]) for r in data["direct"]] == [
        ("HorizontalFlip", "32x48", "uint8"),
        ("RandomGamma", "32x48", "uint8"),
    ]
    assert all(r["xalbu_ips"] > 0 and r["other_ips"] > 0 and r["ratio"] > 0 for r in data["direct"])
    assert data["direct_summary"]["n"] == 2 and data["direct_summary"]["geomean_ratio"] > 0
    md = (tmp_path / "cpu_vs_xalbu.md").read_text()
    assert md.index("## Transforms") < md.index("## Direct calls") < md.index("## float32")
    assert "(the direct-call table: `transform(image=img)`, no Compose)" in md
    assert [r["transform"] for r in data["float32"]] == ["RandomGamma"]  # the filter applies
    assert data["float32"][0]["dtype"] == "float32"
    assert [r["transform"] for r in data["pipeline"]] == ["detection pipeline"]
    assert {r["transform"] for r in data["uint16"]} == {"HorizontalFlip", "RandomGamma"}
    assert all(r["uint8_ips"] > 0 and r["uint16_ips"] > 0 for r in data["uint16"])
    assert "gpu" not in data and data["skipped"] == []


@pytest.mark.skipif(not _has_albumentations(), reason="albumentations not installed (bench extra)")
def test_side_by_side_with_albumentations(tmp_path):
    import albumentations

    B.run(_tiny(tmp_path, vs="albumentations", transforms=["HorizontalFlip", "Normalize"], clock="cpu"))
    data = _check_outputs(tmp_path, "cpu_vs_albumentations", "albumentations")
    assert data["meta"]["settings"]["clock"] == "cpu"
    assert "Clock: CPU time" in (tmp_path / "cpu_vs_albumentations.md").read_text()
    assert data["meta"]["versions"]["albumentations"] == albumentations.__version__
    assert {r["transform"] for r in data["transforms"]} == {"HorizontalFlip", "Normalize"}
    assert {r["transform"] for r in data["direct"]} == {"HorizontalFlip", "Normalize"}  # a default section
    assert all(r["other_ips"] > 0 for r in data["direct"])
    assert data["pipeline"][0]["other_ips"] > 0


def test_direct_section_calls_each_transform_alone(tmp_path, monkeypatch):
    """``direct`` times ``X(**args)(image=img)``, the transform called by itself; ``transforms`` times
    it inside ``Compose``, where the pipeline runs it without its ``__call__``."""
    calls: list[str] = []
    real_call = xalbu.HorizontalFlip.__call__

    def counting_call(self, *args, **data):
        calls.append(type(self).__name__)
        return real_call(self, *args, **data)

    monkeypatch.setattr(xalbu.HorizontalFlip, "__call__", counting_call)
    B.run(_tiny(tmp_path, sections=("transforms",), transforms=["HorizontalFlip"], name="compose"))
    assert calls == []
    result = B.run(_tiny(tmp_path, sections=("direct",), transforms=["HorizontalFlip"], name="direct"))
    (row,) = result["direct"]
    assert row["transform"] == "HorizontalFlip" and set(calls) == {"HorizontalFlip"}
    # both runners (xalbu against itself) make every timed call through the transform's __call__
    assert len(calls) >= 2 * 2 * row["xalbu"]["calls_per_round"]
    assert "transforms" not in result and "summary" not in result
    md = (tmp_path / "direct.md").read_text()
    assert "## Direct calls: `transform(image=img)`, no Compose (uint8 RGB)" in md
    assert "| HorizontalFlip | 32x48 |" in md and "## Transforms" not in md
    t = B.build_direct(xalbu, "HorizontalFlip", B.transform_args("HorizontalFlip", 4, 6))
    assert type(t) is xalbu.HorizontalFlip and t.p == 1.0
    assert isinstance(B.build_compose(xalbu, "HorizontalFlip", {"p": 1.0}), xalbu.Compose)


def test_direct_is_a_default_section():
    assert "direct" in B.DEFAULT_SECTIONS and B.Options().sections == B.DEFAULT_SECTIONS
    args = B.build_parser().parse_args([])
    assert args.sections.split(",") == list(B.DEFAULT_SECTIONS)


@pytest.mark.skipif(not _has_albumentations(), reason="albumentations not installed (bench extra)")
def test_every_common_transform_builds_in_both_libraries():
    import albumentations

    names = B.common_transforms(albumentations)
    assert {"HorizontalFlip", "Normalize", "RandomResizedCrop"} <= set(names)
    samples = B.photos((64, 96), "uint8")
    for name in names:
        kwargs = B.transform_args(name, 64, 96, "uint8")
        dtype = B.input_dtype(name, "uint8")
        data = B.inputs_for(name, {**samples[0], "image": B.convert(samples[0]["image"], dtype)})
        for lib in (xalbu, albumentations):
            B.build_compose(lib, name, kwargs)(**data)
            if "bboxes" not in data:  # boxes need a Compose (bbox_params) in both libraries
                B.build_direct(lib, name, kwargs)(**data)


def _asv_module(name: str = "_common"):
    """A module of the asv suite, ``asv_bench/benchmarks/<name>.py``, imported as asv does."""
    sys.path.insert(0, str(ASV))
    try:
        return importlib.import_module(f"benchmarks.{name}")
    finally:
        sys.path.remove(str(ASV))


HAS_TORCH = importlib.util.find_spec("torch") is not None
TRANSFORM_NAMES = [
    pytest.param(
        name,
        marks=pytest.mark.skipif(
            xalbu.TRANSFORMS[name].kind == "format" and not HAS_TORCH,
            reason="torch not installed (format transforms such as ToTensorV2 make torch tensors)",
        ),
    )
    for name in sorted(xalbu.TRANSFORMS)
]


@pytest.mark.parametrize("name", TRANSFORM_NAMES)
def test_every_transform_builds_with_the_argument_table(name):
    """A new transform that needs arguments must get them in the table (this test says where); the
    side-by-side tool and the asv suite build it in Compose and alone with the same arguments."""
    C = _asv_module()
    for dtype in ("uint8", "float32", "uint16"):
        img = B.convert(np.full((64, 96, 3), 128, np.uint8), B.input_dtype(name, dtype))
        kwargs = B.transform_args(name, 64, 96, dtype)
        sample = {
            "image": img,
            "mask": np.zeros((64, 96), np.uint8),
            "bboxes": np.zeros((0, 4)),
            "labels": [],
        }
        # reference images, mix partners; 3-D transforms get a volume instead of the image
        call = (
            B.inputs_for(name, sample)
            if xalbu.TRANSFORMS[name].kind == "volume"
            else {"image": img, **B.metadata_for(name, sample)}
        )
        try:
            outs = [
                B.build_compose(xalbu, name, kwargs)(**call),
                B.build_direct(xalbu, name, kwargs)(**call),
                C.build(name, "64x96", dtype)(**call),
                C.build_direct(name, "64x96", dtype)(**call),
            ]
        except Exception as exc:
            pytest.fail(
                f"{name} ({dtype}): {exc!r}; xalbu.benchmark.transform_args({name!r}, ...) must give "
                "arguments it runs with (the side-by-side tool and the asv suite both use them)"
            )
        assert all(("volume" if "volume" in call else "image") in out for out in outs)


def test_cli_runs_in_process_and_as_module(tmp_path):
    code = B.main(
        [
            "--vs=xalbu",
            "--transforms=NoOp",
            "--sizes=16",
            "--repeats=1",
            "--min-time=0",
            "--warmup=0",
            "--sections=transforms",
            f"--out-dir={tmp_path}",
            "--name=one",
            "--no-reexec",
            "--quiet",
        ]
    )
    assert code == 0 and (tmp_path / "one.json").exists() and (tmp_path / "one.md").exists()
    # the command line re-executes itself with the thread variables set before NumPy loads
    env = {k: v for k, v in os.environ.items() if k not in B.THREAD_ENV}
    env.pop("XALBU_BENCHMARK_CHILD", None)
    args = ["--vs", "xalbu", "--transforms", "NoOp", "--sizes", "16x24", "--repeats", "1", "--min-time", "0"]
    args += ["--warmup", "0", "--sections", "transforms", "--out-dir", str(tmp_path), "--name", "two"]
    proc = subprocess.run(
        [sys.executable, "-m", "xalbu", "benchmark", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    meta = json.loads((tmp_path / "two.json").read_text())["meta"]
    assert all(meta["threads"][k] == "1" for k in B.THREAD_ENV)
    assert meta["settings"]["sizes"] == ["16x24"]
    assert meta["command"].startswith("python -m xalbu.benchmark --vs xalbu")


def test_cli_errors(tmp_path, monkeypatch, capsys):
    assert B.main(["--vs=xalbu", "--transforms=NotATransform", "--no-reexec", f"--out-dir={tmp_path}"]) == 2
    assert "NotATransform" in capsys.readouterr().err
    monkeypatch.setitem(sys.modules, "albumentations", None)  # import fails as if not installed
    with pytest.raises(B.BenchmarkError, match=r"pip install albumentations==2\.0\.8"):
        B.import_library("albumentations")
    with pytest.raises(B.BenchmarkError, match="albumentations is not installed"):  # direct needs it too
        B.run(_tiny(tmp_path, vs="albumentations", sections=("direct",)))
    with pytest.raises(B.BenchmarkError, match="--sizes"):
        B.parse_size("big")
    assert B.parse_size("256") == (256, 256) and B.parse_size("480x640") == (480, 640)


def test_gpu_section_skips_cleanly_without_cuda(tmp_path):
    if B.cuda_device_name() is not None:
        pytest.skip("a CUDA device is present")
    result = B.run(_tiny(tmp_path, sections=("gpu",), transforms=["NoOp"]))
    assert "no CUDA device" in result["gpu"]["skipped"]
    assert "Skipped: no CUDA device" in (tmp_path / "cpu_vs_xalbu.md").read_text()


def test_helpers():
    assert B.geometric_mean([1.0, 4.0]) == pytest.approx(2.0)
    assert B.geometric_mean([]) is None
    a, b = B.Timing([10.0, 20.0, 30.0], 3), B.Timing([5.0, 20.0, 10.0], 3)
    assert a.median == 20.0 and B.paired_ratio(a, b) == pytest.approx(2.0)
    photos = B.photos((40, 60), "uint16")
    assert len(photos) == 3
    for p in photos:
        assert p["image"].shape == (40, 60, 3) and p["image"].dtype == np.uint16
        assert len(p["bboxes"]) == len(p["labels"]) == B.N_BOXES
        assert all(0 <= x0 < x1 <= 60 and 0 <= y0 < y1 <= 40 for x0, y0, x1, y1 in p["bboxes"])


# ----------------------------------------------------------------------------- asv suite
def test_every_transform_family_has_a_benchmark_module():
    families = [m.name for m in pkgutil.iter_modules(xalbu.transforms.__path__) if not m.name.startswith("_")]
    assert families
    missing = [f for f in families if not (ASV / "benchmarks" / f"{f}.py").exists()]
    assert not missing, f"add asv_bench/benchmarks/<family>.py for {missing} (copy flips.py)"
    for name in ("pipeline", "gpu_batch", "imports", "_common"):
        assert (ASV / "benchmarks" / f"{name}.py").exists()


def test_asv_family_modules_time_in_compose_in_a_batch_and_alone():
    """Each family module has the three benchmarks over its module's transforms; a family the installed
    xalbu lacks gets a placeholder that skips (asv refuses empty parameter lists)."""
    C = _asv_module()
    families = [m.name for m in pkgutil.iter_modules(xalbu.transforms.__path__) if not m.name.startswith("_")]
    for fam in families:
        module = _asv_module(fam)
        classes = {
            c.__name__: c
            for c in vars(module).values()
            if isinstance(c, type) and c.__module__ == module.__name__
        }
        assert len(classes) == 3, (fam, classes)
        by_kind = {
            base: [c for c in classes.values() if issubclass(c, base)]
            for base in (C._TransformFamily, C._TransformFamilyBatch, C._TransformFamilyDirect)
        }
        assert all(len(v) == 1 for v in by_kind.values()), (fam, by_kind)
        (direct,) = by_kind[C._TransformFamilyDirect]
        assert direct.params == [C.family(fam), C.SIZES]
        assert direct.params[0] == sorted(importlib.import_module(f"xalbu.transforms.{fam}").__all__)
    assert C.family("no_such_family") == [C.NO_TRANSFORMS]
    for builder in (C.build, C.build_direct):
        with pytest.raises(NotImplementedError, match="no transforms in this family"):
            builder(C.NO_TRANSFORMS, "64x96", "uint8")
        with pytest.raises(NotImplementedError, match="not in this revision"):
            builder("NotATransform", "64x96", "uint8")


def test_asv_direct_benchmark_calls_the_transform_alone_with_the_same_draws():
    C = _asv_module()
    bench = C._TransformFamilyDirect()
    bench.setup("RandomCrop", "64x96")
    assert type(bench.transform) is xalbu.RandomCrop and len(bench.deck) == 3 * C.DECK
    bench.time_direct("RandomCrop", "64x96")
    img = bench.deck[0]["image"]
    outs = []
    for _ in range(2):
        C.reseed_direct(bench.transform)
        outs.append([bench.transform(image=img)["image"] for _ in range(4)])
    assert all(o.shape == (32, 48, 3) for o in outs[0])
    for a, b in zip(*outs, strict=True):  # every timed call draws the same crops
        np.testing.assert_array_equal(a, b)
    assert any(not np.array_equal(outs[0][0], o) for o in outs[0][1:])  # and they are random draws


def test_asv_conf_runs_offline_in_the_existing_environment():
    text = "\n".join(
        l for l in (ASV / "asv.conf.json").read_text().splitlines() if not l.lstrip().startswith("//")
    )
    conf = json.loads(text)
    assert conf["environment_type"] == "existing" and conf["repo"] == ".."
    assert conf["benchmark_dir"] == "benchmarks"
    assert conf["branches"] == ["HEAD"]  # a checkout without a local main must run too


@pytest.mark.slow
@pytest.mark.skipif(shutil.which("asv") is None, reason="asv not installed")
def test_asv_check_passes():
    proc = subprocess.run(
        ["asv", "check", "--python=same"], cwd=ASV, capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "No problems found" in proc.stdout


# ----------------------------------------------------------------------------- compare.py
def _compare_module():
    spec = importlib.util.spec_from_file_location("xalbu_asv_compare", ASV / "compare.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


def _asv_result(path: Path, results: dict) -> Path:
    """A result file in asv's format (version 2)."""
    columns = ["result", "params", "version", "started_at", "duration"]
    data = {
        "commit_hash": "0" * 40,
        "env_name": "existing-py",
        "date": 0,
        "params": {},
        "python": sys.executable,
        "requirements": {},
        "env_vars": {},
        "result_columns": columns,
        "results": {name: [values, params, "v", 0, 1.0] for name, (values, params) in results.items()},
        "durations": {},
        "version": 2,
    }
    path.write_text(json.dumps(data))  # NaN is written as NaN, as asv does
    return path


PARAMS = [["'Normalize'", "'RandomGamma'"], ["'numpy'", "'cupy'"]]


def test_compare_builds_offline_only_where_this_environment_can():
    """pip builds a revision without isolation (offline) only with the setuptools its pyproject asks for
    and a bdist_wheel command; a fresh Python 3.11 virtualenv (setuptools 65, no wheel) builds isolated."""
    cmp = _compare_module()
    pyproject = (ROOT / "pyproject.toml").read_text()
    fresh_venv = {"pip": "23.2.1", "setuptools": "65.5.0"}.get
    assert "setuptools 65.5.0 does not satisfy" in cmp.build_isolation_reason(pyproject, fresh_venv)
    assert cmp.build_isolation_reason(pyproject, {"setuptools": "80.9.0"}.get) is None
    assert "setuptools is not installed" in cmp.build_isolation_reason(pyproject, {}.get)
    older = '[build-system]\nrequires = ["setuptools>=61"]\nbuild-backend = "setuptools.build_meta"\n'
    assert "wheel package" in cmp.build_isolation_reason(older, {"setuptools": "65.5.0"}.get)
    assert cmp.build_isolation_reason(older, {"setuptools": "65.5.0", "wheel": "0.43.0"}.get) is None
    assert cmp.build_isolation_reason(older, {"setuptools": "70.1.0"}.get) is None  # its own bdist_wheel
    assert "does not parse" in cmp.build_isolation_reason("[build-system", {}.get)


def test_compare_config_resolves_in_any_checkout(tmp_path):
    """asv resolves the configured branches even with --set-commit-hash: HEAD exists in every clone."""
    cmp = _compare_module()
    conf = tmp_path / "asv.json"
    cmp.write_config(conf, tmp_path / "results", tmp_path / "html", tmp_path / "env")
    data = json.loads(conf.read_text())
    assert data["branches"] == ["HEAD"] and data["environment_type"] == "existing"
    assert data["repo"] == str(ROOT) and data["results_dir"] == str(tmp_path / "results")


def test_compare_reads_asv_results(tmp_path):
    cmp = _compare_module()
    f = _asv_result(
        tmp_path / "r.json",
        {
            "tone.Tone.time_call": ([1e-3, math.nan, 2e-3, None], PARAMS),
            "imports.timeraw_import_xalbu": ([0.3], []),
        },
    )
    res = cmp.load_results(f)
    assert res == {
        "tone.Tone.time_call('Normalize', 'numpy')": 1e-3,  # ('Normalize', 'cupy') is n/a: left out
        "tone.Tone.time_call('RandomGamma', 'numpy')": 2e-3,
        "tone.Tone.time_call('RandomGamma', 'cupy')": None,  # failed
        "imports.timeraw_import_xalbu": 0.3,
    }


def test_compare_fails_on_a_slowdown_and_passes_noise(tmp_path):
    cmp = _compare_module()
    old = cmp.load_results(
        _asv_result(tmp_path / "old.json", {"p.T.time_x": ([1e-3, 1e-3, 2e-3, 4e-3], PARAMS)})
    )
    noise = cmp.load_results(
        _asv_result(tmp_path / "noise.json", {"p.T.time_x": ([1.15e-3, 0.9e-3, 2.5e-3, 3.5e-3], PARAMS)})
    )
    slow = cmp.load_results(
        _asv_result(tmp_path / "slow.json", {"p.T.time_x": ([1.6e-3, 1e-3, 2e-3, 2e-3], PARAMS)})
    )
    assert cmp.DEFAULT_FACTOR < 1.6
    ok = cmp.compare(old, noise, cmp.DEFAULT_FACTOR)
    assert not ok.failed and len(ok.rows) == 4
    assert "OK: no case slower" in cmp.report(ok, "main", "WORKTREE")
    bad = cmp.compare(old, slow, cmp.DEFAULT_FACTOR)
    assert bad.failed
    assert [r.key for r in bad.regressions] == ["p.T.time_x('Normalize', 'numpy')"]
    assert [r.key for r in bad.improvements] == ["p.T.time_x('RandomGamma', 'cupy')"]
    text = cmp.report(bad, "main", "WORKTREE")
    assert "SLOWER" in text and "FAIL: 1 case(s) slower" in text


def test_compare_flags_cases_that_fail_now(tmp_path):
    cmp = _compare_module()
    old = {"a": 1e-3, "b": None, "c": 1e-3, "gone": 1.0}
    new = {"a": None, "b": 1e-3, "c": 1.1e-3, "added": 1.0}
    res = cmp.compare(old, new, 1.4)
    assert res.failed and [r.key for r in res.broken] == ["a"] and not res.regressions
    assert res.only_old == ["gone"] and res.only_new == ["added"]
    with pytest.raises(ValueError, match="factor"):
        cmp.compare(old, new, 1.0)


def test_compare_pairs_the_runs_of_each_round():
    cmp = _compare_module()
    old = [{"a": 1.0, "b": 1.0}, {"a": 1.0, "b": 2.0}, {"a": 1.0, "b": 1.0}]
    loud = [{"a": 1.1, "b": 1.1}, {"a": 3.0, "b": 2.2}, {"a": 1.05, "b": 1.0}]
    res = cmp.compare(old, loud, 1.5)  # one loud round (a: 3x) does not decide; b's round 2 was loud for both
    assert not res.failed
    assert {r.key: round(r.ratio, 3) for r in res.rows} == {"a": 1.1, "b": 1.1}
    slow = [{"a": 1.7, "b": 1.0}, {"a": 1.6, "b": 2.0}, {"a": 1.0, "b": 1.0}]
    res = cmp.compare(old, slow, 1.5)
    assert [r.key for r in res.regressions] == ["a"] and res.regressions[0].ratio == pytest.approx(1.6)
    # confirmation rounds measure only some cases: the others are paired over the rounds they have
    res = cmp.compare(old + [{"a": 1.0}], slow + [{"a": 1.8}], 1.5)
    assert res.regressions[0].ratio == pytest.approx(1.65)
    with pytest.raises(ValueError, match="as many runs"):
        cmp.compare(old, slow[:2], 1.5)


def test_compare_combines_runs_with_the_median():
    cmp = _compare_module()
    runs = [{"a": 1.0, "b": 2.0}, {"a": 9.0, "b": None}, {"a": 2.0}]
    # one loud run does not decide; a failure in any run counts; a case missing from a run is fine
    assert cmp.combine(runs) == {"a": 2.0, "b": None}
    assert cmp.combine([{"a": 1.0}, {"a": 3.0}]) == {"a": 2.0}


def test_interleaved_slices_alternate_and_cover_every_call(monkeypatch):
    """Each round runs every runner's calls in slices alternating A B, B A, ...; every slice is a
    whole number of passes over the photos, and the slices of a round add up to its calls."""
    loops: list[tuple[str, int]] = []
    real_loop = _timing._loop

    def recording_loop(fn, samples, calls, sync):
        loops.append((fn.__name__, calls))
        return real_loop(fn, samples, calls, sync)

    def a(sample):
        time.sleep(0.0002)

    def b(sample):
        time.sleep(0.0002)

    monkeypatch.setattr(_timing, "_loop", recording_loop)
    opts = B.Options(repeats=2, min_time=0.004, warmup=0.0, slices=4)
    photos = [{}, {}, {}]
    timings = B.interleaved({"a": a, "b": b}, {"a": photos, "b": photos}, opts)
    timed = loops[-16:]  # 2 rounds of 4 slices per runner (warm-up and calibration come first)
    assert [name for name, _ in timed] == list("abbaabba" + "baabbaab")
    for label, t in timings.items():
        sizes = [calls for name, calls in timed if name == label]
        assert len(set(sizes)) == 1 and sizes[0] % 3 == 0
        assert t.calls == 4 * sizes[0] and len(t.rates) == 2 and all(r > 0 for r in t.rates)
