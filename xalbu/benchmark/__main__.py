"""``python -m xalbu.benchmark``: see :mod:`xalbu.benchmark`."""

import sys

from .cli import main

if __name__ == "__main__":
    sys.exit(main())
