"""Run every benchmark under bench/ and print its figures. `make bench` calls this.

Benchmarks print numbers; they never pass or fail on a timing (these machines are shared and noisy).
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCHMARKS = [
    "seed_demo.py",
    "public_site.py",
    "edge_cache.py",
    "staff_search.py",
    "alerts.py",
    "yearly_report.py",
    "maps.py",
    "import_cases.py",
    "api.py",
    "duplicates.py",
    "replica.py",
    "shared_access.py",
]


def main() -> int:
    status = 0
    for name in BENCHMARKS:
        print(f"== {name}", flush=True)
        status |= subprocess.call([sys.executable, str(HERE / name)])
    return status


if __name__ == "__main__":
    raise SystemExit(main())
