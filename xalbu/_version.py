"""The package version (one place: the package, saved pipelines and the benchmark read it)."""

__version__ = "0.1.0"
