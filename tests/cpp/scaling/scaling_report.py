#!/usr/bin/env python3
"""Runs soastore_scaling_counts on several rank counts and checks or tabulates its counts.

--check (CTest): the counts that must not grow with the rank count P (all of them but rank 0's
bytes: it writes the GenericIO header) are the same on every P given above one (on one rank,
rank 0 is every file's header writer, and file groups make one plain file). --markdown
(scripts/scaling_table.sh): docs/scaling.md's tables, one per count, a column per P.
"""

import argparse
import os
import subprocess
import sys
import tempfile

# Counts that every rank other than rank 0 must pay the same on any P (weak scaling: each rank
# holds the same rows). Rank 0 writes the GenericIO header, which holds 48 bytes per rank, so its
# written bytes grow by design and only its call counts are checked.
CONSTANT_ON_EVERY_RANK = ["collective rounds", "collective calls", "p2p messages", "opens", "renames", "removes"]
# Reads of a GenericIOStore key use the layout the store wrote, without the header (bytes read
# extra: the CRC trailers only); a write gathers the ranks' facts to the rank that writes the
# header only (bytes received).
CONSTANT_OFF_RANK_0 = CONSTANT_ON_EVERY_RANK + ["bytes sent", "bytes received", "bytes written extra",
                                                "bytes read extra"]


def run_counts(program, mpiexec, ranks, directory, rows, steps):
    """{(store, operation, count): (rank 0, largest other rank or None)} for `ranks` ranks."""
    command = [mpiexec, "-n", str(ranks), program, "--path", os.path.join(directory, f"np{ranks}"),
               "--rows", str(rows), "--steps", str(steps), "--tsv"]
    output = subprocess.run(command, check=True, capture_output=True, text=True).stdout
    figures = {}
    for line in output.splitlines()[1:]:
        _, store, operation, count, rank0, others = line.split("\t")
        figures[(store, operation, count)] = (int(rank0), None if others == "-" else int(others))
    return figures


def off_rank_0(figure):
    """The other ranks' largest figure (None on one rank)."""
    return figure[1]


def check(runs):
    # Every rank's counts against the smallest P that has other ranks: on one rank, rank 0 is also
    # the header writer, and a store with file groups writes one plain file, not a split one.
    others_baseline_ranks = min((ranks for ranks in runs if ranks > 1), default=None)
    rank0_baseline_ranks = others_baseline_ranks or min(runs)
    failures = []
    for ranks, figures in sorted(runs.items()):
        for key, figure in figures.items():
            store, operation, count = key
            rank0_expected = runs[rank0_baseline_ranks][key][0]
            if ranks == 1 and others_baseline_ranks is not None:
                continue
            if count in CONSTANT_ON_EVERY_RANK and figure[0] != rank0_expected:
                failures.append(f"{store} {operation}: {count} of rank 0 is {figure[0]} on {ranks} ranks, "
                                f"{rank0_expected} on {rank0_baseline_ranks}")
            if ranks == 1:
                continue
            expected = off_rank_0(runs[others_baseline_ranks][key])
            if count in CONSTANT_OFF_RANK_0 and off_rank_0(figure) != expected:
                failures.append(f"{store} {operation}: {count} of the ranks but rank 0 is {off_rank_0(figure)} "
                                f"on {ranks} ranks, {expected} on {others_baseline_ranks}")
    for failure in failures:
        print("FAIL:", failure)
    print(f"checked constant over {sorted(runs)} ranks: {', '.join(CONSTANT_OFF_RANK_0)}: "
          f"{'okay' if not failures else f'{len(failures)} failure(s)'}")
    return 0 if not failures else 1


def cell(figure):
    rank0, others = figure
    if others is None or others == rank0:
        return str(rank0)
    return f"{others} (rank 0: {rank0})"


def markdown(runs):
    all_ranks = sorted(runs)
    first = runs[all_ranks[0]]
    counts = list(dict.fromkeys(count for _, _, count in first))
    rows = list(dict.fromkeys((store, operation) for store, operation, _ in first))
    for count in counts:
        print(f"#### {count}\n")
        print("| store | operation | " + " | ".join(f"P = {ranks}" for ranks in all_ranks) + " |")
        print("| --- | --- | " + " | ".join("---:" for _ in all_ranks) + " |")
        shown = 0
        for store, operation in rows:
            figures = [runs[ranks][(store, operation, count)] for ranks in all_ranks]
            if all(rank0 == 0 and not others for rank0, others in figures):
                continue
            shown += 1
            print(f"| {store} | {operation} | " + " | ".join(cell(figure) for figure in figures) + " |")
        if not shown:
            print("| (every operation) | | " + " | ".join("0" for _ in all_ranks) + " |")
        print("\nRows not shown are 0 on every P.\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--program", required=True, help="soastore_scaling_counts")
    parser.add_argument("--mpiexec", default="mpiexec")
    parser.add_argument("--ranks", type=int, nargs="+", required=True)
    parser.add_argument("--rows", type=int, default=1000, help="rows per rank (the same on every P)")
    parser.add_argument("--steps", type=int, default=3, help="steps of the merger-tree pattern")
    parser.add_argument("--dir", help="where the stores' files go (default: a fresh temporary directory)")
    mode = parser.add_mutually_exclusive_group(required=True)
    mode.add_argument("--check", action="store_true")
    mode.add_argument("--markdown", action="store_true")
    arguments = parser.parse_args()

    with tempfile.TemporaryDirectory(dir=arguments.dir) as directory:
        runs = {ranks: run_counts(arguments.program, arguments.mpiexec, ranks, directory, arguments.rows,
                                  arguments.steps)
                for ranks in arguments.ranks}
    if arguments.check:
        return check(runs)
    markdown(runs)
    return 0


if __name__ == "__main__":
    sys.exit(main())
