#!/usr/bin/python3
"""Draws what `soastore bench --workloads budget --plot FILE.png` measured: the bytes the stores
held in memory (solid) and on disk (dashed) after every set, summed over ranks, one colour per
contender (memory, disk, each budget), one panel per store.

    /usr/bin/python3 bench/plot_budget.py TRACE.csv FILE.png

Needs Debian's python3-matplotlib (scripts/setup.sh installs it)."""

import csv
import sys
from collections import defaultdict

import matplotlib

matplotlib.use("Agg")  # no display needed
import matplotlib.pyplot as plt  # noqa: E402


def read_trace(path):
    series = defaultdict(lambda: defaultdict(lambda: ([], [], [])))  # store -> contender -> steps, memory, disk
    with open(path, newline="") as trace:
        for row in csv.DictReader(trace):
            steps, memory, disk = series[row["store"]][row["contender"]]
            steps.append(int(row["step"]))
            memory.append(float(row["bytes_in_memory"]) / 1e9)
            disk.append(float(row["bytes_on_disk"]) / 1e9)
    return series


def main(trace_path, image_path):
    series = read_trace(trace_path)
    if not series:
        sys.exit(f"{trace_path}: no steps recorded")
    figure, axes = plt.subplots(1, len(series), figsize=(6.5 * len(series), 4.5), squeeze=False)
    for panel, (store, contenders) in zip(axes[0], sorted(series.items())):
        for index, (name, (steps, memory, disk)) in enumerate(contenders.items()):
            colour = f"C{index}"
            panel.plot(steps, memory, color=colour, label=f"{name}: in memory")
            panel.plot(steps, disk, color=colour, linestyle="--", label=f"{name}: on disk")
        panel.set_title(store)
        panel.set_xlabel("step (after its set)")
        panel.set_ylabel("GB, all ranks")
        panel.grid(alpha=0.3)
        panel.legend(fontsize="small")
    figure.suptitle("soastore memory budget: bytes held in memory and on disk")
    figure.tight_layout()
    figure.savefig(image_path, dpi=110)


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
