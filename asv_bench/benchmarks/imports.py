"""Import time of ``import xalbu`` in a fresh interpreter (NumPy and OpenCV included; no CuPy
import on CPU-only machines).

Measured as the CPU time of the import inside a new Python process, the median of 7 processes:
asv's ``timeraw_`` benchmarks use the wall clock, which on a shared machine mostly measures the
wait for a core (see ``_common``).
"""

import statistics
import subprocess
import sys

_CODE = "import time; t = time.process_time(); import xalbu; print(time.process_time() - t)"


def track_import_xalbu():
    times = []
    for _ in range(7):
        out = subprocess.run([sys.executable, "-c", _CODE], capture_output=True, text=True, check=True)
        times.append(float(out.stdout.strip()))
    return statistics.median(times)


track_import_xalbu.unit = "seconds"
track_import_xalbu.timeout = 300
