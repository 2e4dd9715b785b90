#!/usr/bin/env python3
"""Peak memory of the merger tree's output loop, sized like the pipeline (issue 10).

    PYTHONPATH=<build>/python /usr/bin/python3 bench/field_loop_probe.py [--rows 3400000] [--steps 30]

Not under mpirun: every (contender, pattern) runs in a fresh process of its own (a singleton MPI
world), because a process's C heap keeps the shape that earlier work gave it. Each process sets
`--steps` steps whose row counts grow linearly (10 columns: 3 int64, 7 float32, as a treenode
catalog) into its contender on disk, then calls get_field once per (field, step):

* assemble: each result is copied into its field's output column and dropped when the next one
  arrives (haccytrees' write2single / write2multiple);
* keep: every result is appended to a list.

Printed per row: the peak RSS (VmHWM) above the RSS before the loop and the data the loop holds
at its end, and glibc's heap (arena size and the free bytes in it, from mallinfo2) at the end.
"""

import argparse
import ctypes
import gc
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

import numpy as np

FIELDS = [("tree_node_index", np.int64), ("desc_node_index", np.int64), ("fof_halo_tag", np.int64),
          ("tree_node_mass", np.float32), ("fof_halo_mass", np.float32), ("sod_halo_mass", np.float32),
          ("fof_halo_center_x", np.float32), ("fof_halo_center_y", np.float32),
          ("fof_halo_center_z", np.float32), ("xoff_fof", np.float32)]
CONTENDERS = {
    "ideal": "np.empty + readinto (what pygio does)",
    "fromfile": "np.fromfile of one column",
    "npload": "np.load(f)[field] (the reference NumpyStore)",
    "npload_all": "np.load materialised, then [field]",
    "genericio": "GenericIOStore get_field",
    "numpy": "NumpyStore get_field",
    "numpy_item": "NumpyStore store[step][field]",
}


def status_bytes(name):
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(name + ":"):
                return int(line.split()[1]) * 1024
    return 0


def heap():
    class MallInfo2(ctypes.Structure):
        _fields_ = [(name, ctypes.c_size_t) for name in
                    "arena ordblks smblks hblks hblkhd usmblks fsmblks uordblks fordblks keepcost".split()]
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.mallinfo2.restype = MallInfo2
        info = libc.mallinfo2()
        return info.arena, info.fordblks
    except (OSError, AttributeError):
        return 0, 0


def step_rows(total, steps):
    weights = np.arange(1, steps + 1)
    bounds = np.concatenate(([0], np.cumsum(weights))) * total // weights.sum()
    return [int(b - a) for a, b in zip(bounds[:-1], bounds[1:])]


def make_step(rows, seed):
    rng = np.random.default_rng(seed)
    return {name: rng.integers(0, 2**40, rows, dtype=t) if t == np.int64 else rng.random(rows, dtype=t)
            for name, t in FIELDS}


class Files:
    """The baselines: one .npz or one raw file per step, read back one column at a time."""

    def __init__(self, kind, directory):
        self.kind, self.directory, self.layouts = kind, directory, {}

    def path(self, key):
        return os.path.join(self.directory, f"{key}.{'npz' if self.kind.startswith('npload') else 'raw'}")

    def set(self, key, soa):
        if self.kind.startswith("npload"):
            np.savez(self.path(key), **soa)
            return
        offset, layout = 0, {}
        with open(self.path(key), "wb") as out:
            for name, array in soa.items():
                out.write(array.tobytes())
                layout[name] = (offset, array.dtype, array.size)
                offset += array.nbytes
        self.layouts[key] = layout

    def get(self, key, field):
        if self.kind == "npload":
            with np.load(self.path(key)) as archive:
                return archive[field]
        if self.kind == "npload_all":
            with np.load(self.path(key)) as archive:
                return {name: archive[name] for name in archive}[field]
        offset, dtype, count = self.layouts[key][field]
        with open(self.path(key), "rb") as source:
            source.seek(offset)
            if self.kind == "fromfile":
                return np.fromfile(source, dtype, count)
            array = np.empty(count, dtype)
            source.readinto(memoryview(array).cast("B"))
            return array


class Store:
    def __init__(self, kind, directory):
        import soastore  # noqa: PLC0415 -- only the store contenders need the bindings
        prefix = os.path.join(directory, "store")
        self.kind = kind
        if kind == "genericio":
            self.store = soastore.GenericIOStore(soastore.Partition(), 1.0, prefix)
        else:
            self.store = soastore.NumpyStore(soastore.Partition(), prefix)

    def set(self, key, soa):
        self.store[key] = soa

    def get(self, key, field):
        if self.kind == "numpy_item":
            return self.store[key][field]
        return self.store.get_field(key, field)[field]


def child(args):
    directory = tempfile.mkdtemp(dir=args.dir)
    try:
        contender = Files(args.child, directory) if args.child in ("ideal", "fromfile", "npload", "npload_all") \
            else Store(args.child, directory)
        rows = step_rows(args.rows, args.steps)
        keys = [f"step{i}" for i in range(args.steps)]
        for i, key in enumerate(keys):
            contender.set(key, make_step(rows[i], i))
        gc.collect()
        with open("/proc/self/clear_refs", "w") as clear_refs:
            clear_refs.write("5")
        before = status_bytes("VmRSS")
        start = time.perf_counter()
        held = []
        for field, dtype in FIELDS:
            if args.pattern == "assemble":
                column, offset = np.empty(sum(rows), dtype), 0
                for key in keys:
                    part = contender.get(key, field)
                    column[offset:offset + len(part)] = part
                    offset += len(part)
                held.append(column)
            else:
                held.extend(contender.get(key, field) for key in keys)
        seconds = time.perf_counter() - start
        arena, free = heap()
        extra = status_bytes("VmHWM") - before - sum(a.nbytes for a in held)
        print(json.dumps({"extra": extra, "arena": arena, "free": free, "seconds": seconds}))
    finally:
        shutil.rmtree(directory, ignore_errors=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=3_400_000, help="rows over all steps (default 3.4 M)")
    parser.add_argument("--steps", type=int, default=30)
    parser.add_argument("--dir", default=tempfile.gettempdir(), help="scratch directory")
    parser.add_argument("--contenders", default=",".join(CONTENDERS), help="comma-separated, of: " + ", ".join(CONTENDERS))
    parser.add_argument("--child", help=argparse.SUPPRESS)
    parser.add_argument("--pattern", default="assemble", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return
    print(f"{args.rows} rows in {args.steps} steps x {len(FIELDS)} columns; MiB of peak RSS above the "
          "data held at the end; heap = glibc arena / free in it at the end")
    print(f"{'contender':46s} {'pattern':9s} {'extra MiB':>9s} {'heap MiB':>13s} {'loop s':>7s}")
    for pattern in ("assemble", "keep"):
        for name in args.contenders.split(","):
            command = [sys.executable, os.path.abspath(__file__), "--child", name, "--pattern", pattern,
                       "--rows", str(args.rows), "--steps", str(args.steps), "--dir", args.dir]
            run = subprocess.run(command, capture_output=True, text=True, check=False)
            try:
                r = json.loads(run.stdout.strip().splitlines()[-1])
            except (IndexError, ValueError):
                print(f"{CONTENDERS[name]:46s} {pattern:9s} failed: {run.stderr.strip()[-300:]}")
                continue
            print(f"{CONTENDERS[name]:46s} {pattern:9s} {r['extra'] / 2**20:9.1f} "
                  f"{r['arena'] / 2**20:6.1f} / {r['free'] / 2**20:4.1f} {r['seconds']:7.3f}")


if __name__ == "__main__":
    main()
