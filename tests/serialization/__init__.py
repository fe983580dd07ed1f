"""Serialization: ``to_dict``/``from_dict`` and ``save``/``load`` (JSON and YAML) for every transform and
composition, ``Lambda`` by name, errors that name the node path, and pipelines saved by albumentations.

- Every class in ``xalbu.TRANSFORMS`` round-trips (``test_round_trip.py``).
- ``tests/data/albumentations/`` holds real files written by albumentations 2.0.8 (``make_fixtures.py``
  regenerates them); they are checked without albumentations installed (``test_albumentations_files.py``).
- With albumentations importable, files are also generated on the fly for every transform both libraries
  have, and a few deterministic transforms are compared pixel for pixel with albumentations' own output
  (``test_albumentations_generated.py``).

A package so that the files share ``_helpers.py``.
"""
