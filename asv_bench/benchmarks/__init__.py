"""asv benchmarks of xalbu: one module per transform family (mirroring ``xalbu/transforms/``), the
realistic pipeline, GPU batches and the import time. See ``asv_bench/README.md``."""
