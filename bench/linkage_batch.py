"""The batch job at scale: the Splink model (redalert.matching.linkage) over N records on DuckDB, one machine
(issue 15: 1,000,000 records in ≤ 15 minutes, with peak memory).

Usage: bench/linkage_batch.py [--sizes 100000,1000000] [--memory-limit 6GB] [--threads 2]

Records are generated as in bench/matching_quality.py (Mexican names, common names common — so blocking buckets
are realistically uneven: 190 given names, half the girls with a compound one, 308 surnames, weighted so that the
commonest surname is about 4 % of people — with further reports of a third of the people), straight into the
linkage frame (no database). For each size, one child process: frame built (column by column,
linkage.arrow_table), model trained (λ, u by random sampling of 2 million pairs, m by EM on at most 1 million
blocked pairs per session), pairs scored and those at or above PROPOSE_PROBABILITY kept. Printed: each phase's
time, the job's CPU time (DuckDB's threads included: on a machine shared with others the wall time also measures
them), pairs proposed, precision/recall against the known clusters, peak resident memory of the process (Python
and DuckDB; the generated records included), and the load average at the start and end of each size. The smallest
size is the baseline: time ratios against it (10× the records at 10× the time is linear). Timings are printed,
never asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def load_average() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load {one:.1f} {five:.1f} {fifteen:.1f} on {os.cpu_count()} cores (shared)"


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu_seconds() -> float:
    """User + system CPU time of this process so far, DuckDB's threads included: on a loaded machine the wall time
    says how busy the others were, the CPU time what the job itself costs."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def measure(size: int, memory_limit: str, threads: int) -> dict[str, float]:
    sys.path.insert(0, str(HERE))
    import matching_quality as mq

    from redalert.matching import linkage

    started = time.perf_counter()
    records, cluster = mq.generate(int(size / 1.5) + 1, seed=11)
    records, cluster = records[:size], cluster[:size]
    generated = time.perf_counter()
    cpu_before = cpu_seconds()
    table = linkage.arrow_table(enumerate(records))
    del records
    framed = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="bench-linkage-") as spill:
        linker = linkage.linker_for(table, linkage.duckdb_api(memory_limit, spill, threads))
        linkage.train(linker)
        trained = time.perf_counter()
        pairs = linkage.linked_pairs(linker)
        scored = time.perf_counter()
    truth = 0
    by_cluster: dict[int, int] = {}
    for c in cluster:
        by_cluster[c] = by_cluster.get(c, 0) + 1
    truth = sum(k * (k - 1) // 2 for k in by_cluster.values())
    tp = sum(1 for p in pairs if cluster[p.a] == cluster[p.b])
    return {
        "size": size,
        "generate": generated - started,
        "frame": framed - generated,
        "train": trained - framed,
        "predict": scored - trained,
        "job": scored - generated,
        "cpu": cpu_seconds() - cpu_before,
        "pairs": len(pairs),
        "precision": tp / len(pairs) if pairs else 1.0,
        "recall": tp / truth if truth else 1.0,
        "peak_mb": peak_rss_mb(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--memory-limit", default="6GB", help="DuckDB's memory limit (it spills to disk beyond)")
    parser.add_argument("--threads", type=int, default=2, help="DuckDB's threads")
    parser.add_argument("--measure", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        sys.path.insert(0, str(HERE.parent))
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "redalert.settings.test")
        import django

        django.setup()
        print(json.dumps(measure(args.measure, args.memory_limit, args.threads)))
        return
    baseline: dict[str, float] | None = None
    print(
        f"Splink batch job on DuckDB (memory limit {args.memory_limit}, {args.threads} threads); {load_average()}",
        flush=True,
    )
    for size in (int(s) for s in args.sizes.split(",")):
        command = [sys.executable, __file__, "--measure", str(size), "--memory-limit", args.memory_limit]
        command += ["--threads", str(args.threads)]
        load_at_start = load_average()
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            print(f"{size:,} records: failed\n{done.stderr[-3000:]}", flush=True)
            continue
        r = json.loads(done.stdout.strip().splitlines()[-1])
        baseline = baseline or r
        print(
            f"{size:>9,} records: job {r['job']:7.1f} s wall, {r['cpu']:.0f} s CPU "
            f"(frame {r['frame']:.1f} s, train {r['train']:.1f} s, "
            f"predict {r['predict']:.1f} s; generating the records {r['generate']:.1f} s not counted) — "
            f"{r['job'] / baseline['job']:.1f}× the {int(baseline['size']):,} baseline; "
            f"{int(r['pairs']):,} pairs proposed, P {r['precision']:.3f} R {r['recall']:.3f}; "
            f"peak RSS {r['peak_mb']:,.0f} MB; at the start {load_at_start}, at the end {load_average()}",
            flush=True,
        )


if __name__ == "__main__":
    main()
