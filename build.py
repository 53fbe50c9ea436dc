#!/usr/bin/env python3
"""Build the 政务公开栏 website: `python build.py --help`."""

import sys

from generator.cli.main import main

if __name__ == "__main__":
    sys.exit(main())
