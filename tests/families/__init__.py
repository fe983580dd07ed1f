"""Behaviour tests, one file (or folder) per family: ``test_<family>.py`` for kernels and transforms.

A package so that the family files share their helper modules (``_pointwise``, ``_spatial``).
"""
