"""``save``/``load``: JSON and YAML, paths and file objects, the format from the suffix, PyYAML optional;
``Lambda`` saved and loaded by name."""

from __future__ import annotations

import builtins
import copy
import io
import json
import sys

import numpy as np
import pytest
import yaml
from test_contract import assert_same

import xalbu as A

from ._helpers import (
    _double,
    _flip_boxes,
    _nested,
    _nested_inputs,
    _outputs,
)


# ----------------------------------------------------------------------------- files
@pytest.mark.parametrize("fmt", ["json", "yaml"])
def test_save_and_load_paths_and_files(tmp_path, fmt):
    pipe = _nested()
    d = A.to_dict(pipe)
    path = tmp_path / f"pipe.{fmt}"
    A.save(pipe, path, data_format=fmt)
    assert A.to_dict(A.load(path, data_format=fmt)) == d
    assert A.to_dict(A.load(str(path), data_format=fmt)) == d
    text = path.read_text()
    if fmt == "json":
        assert json.loads(text) == d
    else:
        assert yaml.safe_load(text) == d and not text.lstrip().startswith("{")
    buf = io.StringIO()
    A.save(pipe, buf, data_format=fmt)
    buf.seek(0)
    assert A.to_dict(A.load(buf, data_format=fmt)) == d
    with path.open() as f:  # an open file object
        assert A.to_dict(A.load(f, data_format=fmt)) == d
    with path.open("rb") as f:  # binary files are read as UTF-8
        assert A.to_dict(A.load(f, data_format=fmt)) == d
    raw = io.BytesIO()  # and written as UTF-8
    A.save(pipe, raw, data_format=fmt)
    assert raw.getvalue().decode("utf-8") == text
    with (tmp_path / f"binary.{fmt}").open("wb") as f:
        A.save(pipe, f, data_format=fmt)
    assert (tmp_path / f"binary.{fmt}").read_text() == text
    # the loaded pipeline behaves like the original
    a = _outputs(_nested(), calls=4, **_nested_inputs())
    b = _outputs(A.load(path), calls=4, **_nested_inputs())
    for x, y in zip(a, b, strict=True):
        assert_same(x, y)


def test_data_format_from_the_suffix(tmp_path):
    pipe = A.Compose([A.HorizontalFlip()], seed=1)
    for name, is_yaml in (("a.yaml", True), ("b.YML", True), ("c.json", False), ("d.txt", False)):
        A.save(pipe, tmp_path / name)
        text = (tmp_path / name).read_text()
        assert text.lstrip().startswith("{") != is_yaml
        assert A.to_dict(A.load(tmp_path / name)) == A.to_dict(pipe)
    A.save(pipe, tmp_path / "e.yaml", data_format="json")  # explicit wins
    assert json.loads((tmp_path / "e.yaml").read_text()) == A.to_dict(pipe)
    with pytest.raises(ValueError, match="data_format"):
        A.save(pipe, tmp_path / "f", data_format="toml")
    with pytest.raises(ValueError, match="data_format"):
        A.load(tmp_path / "c.json", data_format="xml")


def test_yaml_needs_pyyaml_and_json_does_not(tmp_path, monkeypatch):
    real_import = builtins.__import__

    def no_yaml(name, *args, **kwargs):
        if name == "yaml":
            raise ImportError("No module named 'yaml'")
        return real_import(name, *args, **kwargs)

    monkeypatch.delitem(sys.modules, "yaml", raising=False)
    monkeypatch.setattr(builtins, "__import__", no_yaml)
    pipe = A.Compose([A.HorizontalFlip()])
    with pytest.raises(ImportError, match="PyYAML"):
        A.save(pipe, tmp_path / "p.yaml")
    with pytest.raises(ImportError, match="PyYAML"):
        A.load(io.StringIO("transform: {}"), data_format="yaml")
    A.save(pipe, tmp_path / "p.json")
    assert A.to_dict(A.load(tmp_path / "p.json")) == A.to_dict(pipe)


def test_unparsable_files_name_the_file(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    with pytest.raises(A.SerializationError, match=r"bad\.json.*JSON"):
        A.load(bad)
    (tmp_path / "bad.yaml").write_text("transform: [unclosed")
    with pytest.raises(A.SerializationError, match=r"bad\.yaml.*YAML"):
        A.load(tmp_path / "bad.yaml")


# ----------------------------------------------------------------------------- Lambda


def test_lambda_saves_by_name_and_loads_by_name(tmp_path):
    lam = A.Lambda(name="double", image=_double, bboxes=_flip_boxes, p=0.6)
    pipe = A.Compose([lam, A.HorizontalFlip(p=1)])
    d = A.to_dict(pipe)
    assert d["transform"]["transforms"][0] == {"__class_fullname__": "Lambda", "name": "double", "p": 0.6}
    img = np.arange(6, dtype=np.uint8).reshape(2, 3)
    # by a Lambda: its functions; name and p from the file
    other = A.Lambda(name="whatever", image=_double, bboxes=_flip_boxes, p=1.0)
    loaded = A.from_dict(d, nonserializable={"double": other})
    t = loaded[0]
    assert (t.image, t.bboxes, t.name, t.p) == (_double, _flip_boxes, "double", 0.6)
    assert t is not other and other.name == "whatever" and other.p == 1.0
    assert A.to_dict(loaded) == d
    # by a dict of functions
    loaded = A.from_dict(d, nonserializable={"double": {"image": _double, "bboxes": _flip_boxes}})
    assert (loaded[0].image, loaded[0].mask, loaded[0].p) == (_double, None, 0.6)
    one = A.Compose([A.Lambda(name="double", image=_double, p=1.0)])
    assert A.load(io.StringIO(json.dumps(A.to_dict(one))), nonserializable={"double": {"image": _double}})(
        image=img
    )["image"].tolist() == [[0, 2, 4], [6, 8, 10]]
    # save/load through a file
    A.save(pipe, tmp_path / "lam.yaml")
    assert A.to_dict(A.load(tmp_path / "lam.yaml", nonserializable={"double": lam})) == d


def test_lambda_errors():
    with pytest.raises(A.SerializationError, match=r"transform\.transforms\[0\] \(Lambda\).*without a name"):
        A.to_dict(A.Compose([A.Lambda(image=_double)]))
    d = A.to_dict(A.Compose([A.NoOp(), A.Lambda(name="double", image=_double)]))
    with pytest.raises(
        A.SerializationError, match=r"transform\.transforms\[1\] \(Lambda\).*'double'.*nonserializable"
    ):
        A.from_dict(d)
    with pytest.raises(A.SerializationError, match=r"'double'.*it has \['triple'\]"):
        A.from_dict(d, nonserializable={"triple": {"image": _double}})
    with pytest.raises(A.SerializationError, match=r"unknown target.*'img'"):
        A.from_dict(d, nonserializable={"double": {"img": _double}})
    with pytest.raises(TypeError, match=r"nonserializable\['double'\].*Lambda or a dict"):
        A.from_dict(d, nonserializable={"double": _double})
    with pytest.raises(A.SerializationError, match=r"Lambda.*image.*expected a callable"):
        A.from_dict(d, nonserializable={"double": {"image": 3}})
    bad = copy.deepcopy(d)
    bad["transform"]["transforms"][1]["image"] = "numpy.sqrt"
    with pytest.raises(A.SerializationError, match=r"transforms\[1\] \(Lambda\).*unknown key.*'image'"):
        A.from_dict(bad, nonserializable={"double": {"image": _double}})
    bad = copy.deepcopy(d)
    del bad["transform"]["transforms"][1]["name"]
    with pytest.raises(A.SerializationError, match=r"transforms\[1\] \(Lambda\): name"):
        A.from_dict(bad)
    bad["transform"]["transforms"][1].update(name="double", p=3)
    with pytest.raises(
        A.SerializationError, match=r"transforms\[1\] \(Lambda\): p: expected a value in \[0, 1\]"
    ):
        A.from_dict(bad, nonserializable={"double": A.Lambda(image=_double)})
