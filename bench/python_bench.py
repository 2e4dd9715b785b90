#!/usr/bin/env python3
"""soastore's Python benchmark: the stores against numpy's own files and the disk's limit.

Run under MPI with the bindings on the path (PYTHONPATH=<build>/python or an installed package):

    mpirun -n 4 /usr/bin/python3 bench/python_bench.py [--size 100M] [--reps 5] [--dir /tmp/x]

Every rank stores one catalog (8 columns: id int64; x, y, z, vx, vy, vz float32; mass float64)
and each contender runs set, get, get_field of one column and pop on the same dict in the same
directory:

* raw write/read -- the disk's limit: the arrays' bytes write() to one file per rank and read()
  straight into fresh numpy arrays (no fsync; the stores do not fsync either);
* memcpy         -- the memory's limit: copies into fresh arrays;
* np.savez/load  -- what the reference's NumpyStore costs: np.savez, and np.load materialised as
  {k: f[k] for k in f} (np.load alone reads nothing);
* NumpyStore, GenericIOStore -- soastore's stores with a temporary path;

then both stores in memory mode (set/get latency). One table: per rank GB/s of the slowest rank
(median [min-max] over repetitions, contenders in rotated order each repetition), aggregate GB/s,
throughput ratios against raw and against numpy (paired per repetition, median), peak memory
above the data, files created, and the issue's targets.
"""

import argparse
import os
import shutil
import socket
import sys
import time

import numpy as np
from mpi4py import MPI

try:
    import soastore
except ImportError as error:  # the bindings are built separately (python/)
    soastore = None
    SOASTORE_MISSING = str(error)

FIELD = "mass"  # the get_field column: 8 of 40 bytes per row, stored last
LATENCY_TARGET = 10e-6
NUMPY_SET_TARGET = 2.0  # NumpyStore set >= 2x np.savez
NUMPY_GET_TARGET = 1.5  # NumpyStore get >= 1.5x np.load (materialised)
RAW_TARGET = 0.9  # set >= 0.9x raw write, get >= 0.9x raw read


def parse_size(text):
    scale = {"K": 1e3, "k": 1e3, "M": 1e6, "G": 1e9}.get(text[-1:], None)
    return int(float(text[:-1]) * scale) if scale else int(text)


def format_size(nbytes):
    for unit, scale in (("GB", 1e9), ("MB", 1e6), ("kB", 1e3)):
        if nbytes >= scale:
            return f"{nbytes / scale:.3g} {unit}"
    return f"{nbytes} B"


def make_catalog(nbytes, seed):
    rows = nbytes // 40
    rng = np.random.default_rng(seed)
    data = {"id": rng.integers(0, 2**62, rows, dtype=np.int64)}
    for name in ("x", "y", "z", "vx", "vy", "vz"):
        data[name] = rng.random(rows, dtype=np.float32)
    data[FIELD] = rng.random(rows, dtype=np.float64)
    return data


def format_files(count):
    return f"{count:+d}" if count else "0"


def nbytes_of(soa):
    return sum(array.nbytes for array in soa.values())


# --- peak memory of a phase (Linux: VmHWM, reset by writing "5" to /proc/self/clear_refs) ------

def _status_bytes(name):
    try:
        with open("/proc/self/status") as status:
            for line in status:
                if line.startswith(name + ":"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def reset_peak_memory():
    try:
        with open("/proc/self/clear_refs", "w") as clear_refs:
            clear_refs.write("5")
        return True
    except OSError:
        return False


# --- contenders: the same four calls each ------------------------------------------------------

class RawFiles:
    """write() the arrays' bytes back to back into one file per rank; read() into fresh arrays."""

    name = "raw write/read"

    def __init__(self, directory, rank):
        self.directory, self.rank, self.layouts = directory, rank, {}

    def _path(self, key):
        return os.path.join(self.directory, f"raw_{key}.rank-{self.rank}.bin")

    def set(self, key, soa):
        layout, offset = [], 0
        with open(self._path(key), "wb", buffering=0) as out:
            for name, array in soa.items():
                view = memoryview(np.ascontiguousarray(array)).cast("B")
                while view:
                    view = view[out.write(view):]
                layout.append((name, array.dtype, array.shape, offset))
                offset += array.nbytes
        self.layouts[key] = layout

    @staticmethod
    def _read_into(source, array):
        view = memoryview(array).cast("B")
        while view:
            got = source.readinto(view)
            if not got:
                raise OSError("raw baseline: file shorter than written")
            view = view[got:]

    def get(self, key):
        result = {}
        with open(self._path(key), "rb", buffering=0) as source:
            for name, dtype, shape, _ in self.layouts[key]:
                result[name] = np.empty(shape, dtype)
                self._read_into(source, result[name])
        return result

    def get_field(self, key, field):
        for name, dtype, shape, offset in self.layouts[key]:
            if name == field:
                with open(self._path(key), "rb", buffering=0) as source:
                    source.seek(offset)
                    array = np.empty(shape, dtype)
                    self._read_into(source, array)
                    return {name: array}
        raise KeyError(field)

    def pop(self, key):
        result = self.get(key)
        os.remove(self._path(key))
        del self.layouts[key]
        return result


class Memcpy:
    """Keeps copies and hands out copies: what any copy of the bytes costs at least."""

    name = "memcpy"

    def __init__(self):
        self.copies = {}

    @staticmethod
    def _copy(soa):
        return {name: np.copy(array) for name, array in soa.items()}

    def set(self, key, soa):
        self.copies[key] = self._copy(soa)

    def get(self, key):
        return self._copy(self.copies[key])

    def get_field(self, key, field):
        return {field: np.copy(self.copies[key][field])}

    def pop(self, key):
        return self._copy(self.copies.pop(key))


class NumpyFiles:
    """What the reference's NumpyStore does: np.savez, np.load materialised."""

    name = "np.savez/load"

    def __init__(self, directory, rank):
        self.directory, self.rank = directory, rank

    def _path(self, key):
        return os.path.join(self.directory, f"numpy_{key}.rank-{self.rank}.npz")

    def set(self, key, soa):
        np.savez(self._path(key), **soa)

    def get(self, key):
        with np.load(self._path(key)) as archive:
            return {name: archive[name] for name in archive}

    def get_field(self, key, field):
        with np.load(self._path(key)) as archive:
            return {field: archive[field]}

    def pop(self, key):
        result = self.get(key)
        os.remove(self._path(key))
        return result


class Store:
    """A soastore store through its dict interface, as user code calls it."""

    def __init__(self, name, store):
        self.name, self.store = name, store

    def set(self, key, soa):
        self.store[key] = soa

    def get(self, key):
        return self.store[key]

    def get_field(self, key, field):
        return self.store.get_field(key, field)

    def pop(self, key):
        return self.store.pop(key)


def make_stores(partition, directory):
    """soastore's stores (on disk when `directory` is given), or (name, reason) when unavailable."""
    stores, missing = [], []
    if soastore is None:
        return stores, [("soastore", f"not run: cannot import soastore ({SOASTORE_MISSING})")]
    for name, build in (
        ("NumpyStore", lambda path: soastore.NumpyStore(partition, path)),
        ("GenericIOStore", lambda path: soastore.GenericIOStore(partition, 1.0, path)),
    ):
        path = os.path.join(directory, name) if directory else None
        try:
            stores.append(Store(name, build(path)))
        except Exception as error:  # noqa: BLE001 -- any failure becomes the row's text
            missing.append((name, f"not run: {error}"))
    return stores, missing


# --- measuring --------------------------------------------------------------------------------

class Phase:
    """A collective phase: all ranks start after a barrier; the slowest rank's time counts."""

    def __init__(self, comm, directory):
        self.comm, self.directory = comm, directory

    def _count_files(self):
        return len(os.listdir(self.directory)) if self.comm.rank == 0 else 0

    def measure(self, body):
        """Runs body() -> result dict; returns (result, seconds, extra bytes, files created)."""
        self.comm.Barrier()
        files_before = self._count_files()
        reset_peak_memory()
        resident = _status_bytes("VmRSS")
        self.comm.Barrier()
        start = time.perf_counter()
        result = body()
        seconds = time.perf_counter() - start
        returned = nbytes_of(result) if result else 0
        extra = _status_bytes("VmHWM") - resident - returned
        seconds = self.comm.allreduce(seconds, op=MPI.MAX)
        extra = self.comm.allreduce(extra, op=MPI.MAX)
        return result, seconds, extra, self._count_files() - files_before


def same(a, b):
    return a.keys() == b.keys() and all(np.array_equal(a[k], b[k]) for k in a)


def run_disk(args, comm, partition, directory, data):
    """Times set/get/get_field/pop of every contender; returns {(name, op): [samples]}, failures."""
    contenders = [RawFiles(directory, comm.rank), Memcpy(), NumpyFiles(directory, comm.rank)]
    stores, missing = make_stores(partition, directory)
    contenders += stores
    failures = dict(missing)
    samples = {}
    phase = Phase(comm, directory)
    expected_field = {FIELD: data[FIELD]}
    for rep in range(args.reps):
        order = contenders[rep % len(contenders):] + contenders[:rep % len(contenders)]
        for contender in order:
            if contender.name in failures:
                continue
            try:
                for op, body, expected in (
                    ("set", lambda c=contender: c.set("catalog", data), None),
                    ("get", lambda c=contender: c.get("catalog"), data),
                    ("get_field", lambda c=contender: c.get_field("catalog", FIELD), expected_field),
                    ("pop", lambda c=contender: c.pop("catalog"), data),
                ):
                    result, seconds, extra, files = phase.measure(body)
                    correct = comm.allreduce(expected is None or same(result, expected), op=MPI.LAND)
                    if not correct:
                        raise RuntimeError(f"{op} returned other data than was set")
                    del result
                    samples.setdefault((contender.name, op), []).append((seconds, extra, files))
            except Exception as error:  # noqa: BLE001 -- stores agree on errors across ranks
                failures[contender.name] = f"failed: {error}"
    names = [c.name for c in contenders] + [name for name, _ in missing]
    return names, samples, failures


def run_latency(args, comm, partition, sizes):
    """Per-call seconds of set and get in memory mode: {(name, size label, op): [seconds]}."""
    stores, missing = make_stores(partition, None)
    calls = {}
    for rep in range(args.reps):
        for contender in stores[rep % max(len(stores), 1):] + stores[:rep % max(len(stores), 1)]:
            for label, soa in sizes:
                for _ in range(args.latency_calls):
                    start = time.perf_counter()
                    contender.set("latency", soa)
                    middle = time.perf_counter()
                    contender.get("latency")
                    end = time.perf_counter()
                    calls.setdefault((contender.name, label, "set"), []).append(middle - start)
                    calls.setdefault((contender.name, label, "get"), []).append(end - middle)
                contender.store.remove("latency")
    return stores, missing, calls


# --- the table --------------------------------------------------------------------------------

def paired_speedup(samples, mine, theirs):
    """Median over repetitions of their seconds / my seconds (throughput multiple)."""
    a, b = samples.get(mine, []), samples.get(theirs, [])
    ratios = [t[0] / m[0] for m, t in zip(a, b) if m[0] > 0]
    return float(np.median(ratios)) if ratios else None


def rate_cell(nbytes, seconds):
    def rate(s):
        return nbytes / s / 1e9 if s > 0 else 0.0
    return f"{rate(np.median(seconds)):.2f} GB/s [{rate(max(seconds)):.2f}-{rate(min(seconds)):.2f}]"


def disk_rows(names, samples, failures, data, nranks, workload):
    rows = []
    column_bytes = data[FIELD].nbytes
    for name in names:
        if name in failures:
            rows.append([workload, name, "set", failures[name]])
            continue
        for op in ("set", "get", "get_field", "pop"):
            runs = samples[(name, op)]
            seconds = [s for s, _, _ in runs]
            nbytes = column_bytes if op == "get_field" else nbytes_of(data)
            vs_raw = paired_speedup(samples, (name, op), ("raw write/read", op))
            vs_numpy = paired_speedup(samples, (name, op), ("np.savez/load", op))
            target = ""
            if name in ("NumpyStore", "GenericIOStore") and op in ("set", "get"):
                met = vs_raw is not None and vs_raw >= RAW_TARGET
                target = f">={RAW_TARGET} raw: {'met' if met else 'MISSED'}"
                if name == "NumpyStore":
                    goal = NUMPY_SET_TARGET if op == "set" else NUMPY_GET_TARGET
                    met = vs_numpy is not None and vs_numpy >= goal
                    target += f"; >={goal} numpy: {'met' if met else 'MISSED'}"
            rows.append([
                workload, name, op, rate_cell(nbytes, seconds),
                f"{nbytes * nranks / np.median(seconds) / 1e9:.2f} GB/s",
                f"{vs_raw:.2f}" if vs_raw is not None else "",
                f"{vs_numpy:.2f}" if vs_numpy is not None else "",
                f"{max(e for _, e, _ in runs) / 2**20:.1f}",
                format_files(int(np.median([f for _, _, f in runs]))),
                target,
            ])
    return rows


def latency_rows(comm, stores, missing, calls, sizes):
    rows = []
    for label, _ in sizes:
        for contender in stores:
            for op in ("set", "get"):
                seconds = calls[(contender.name, label, op)]
                median, low, high = (comm.allreduce(v, op=MPI.MAX)
                                     for v in (float(np.median(seconds)), min(seconds), max(seconds)))
                verdict = "met" if median < LATENCY_TARGET else "MISSED"
                rows.append([f"memory mode {label}", contender.name, op,
                             f"{median * 1e6:.2f} us [{low * 1e6:.2f}-{high * 1e6:.2f}]",
                             "", "", "", "", "", f"<10 us: {verdict}"])
        for name, reason in missing:
            rows.append([f"memory mode {label}", name, "set", reason])
    return rows


def print_table(rows):
    heading = ["workload", "contender", "op", "per rank: median [min-max]", "aggregate", "x raw",
               "x numpy", "extra MiB", "files", "target"]
    widths = [len(h) for h in heading]
    for row in rows:  # a short row's last cell is a message running over the figure columns
        cells = row if len(row) == len(heading) else row[:-1]
        widths = [max(w, len(cell)) for w, cell in zip(widths, cells)] + widths[len(cells):]
    numeric = {4, 5, 6, 7, 8}

    def line(cells):
        return "  ".join(cell.rjust(w) if i in numeric else cell.ljust(w)
                         for i, (cell, w) in enumerate(zip(cells, widths)))

    print(line(heading).rstrip())
    print("-" * (sum(widths) + 2 * (len(widths) - 1)))
    for row in rows:
        print((line(row) if len(row) == len(heading) else line(row[:3]) + "  " + row[3]).rstrip())


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", default=None, help="catalog bytes per rank (default 100M; --quick 4M)")
    parser.add_argument("--reps", type=int, default=None, help="repetitions (default 5; --quick 2)")
    parser.add_argument("--latency-calls", type=int, default=None,
                        help="memory mode: timed calls per repetition (default 1000; --quick 50)")
    parser.add_argument("--dir", default="/tmp/soastore-pybench", help="scratch directory (a run-PID "
                        "subdirectory is made and removed)")
    parser.add_argument("--quick", action="store_true", help="small and short: checks that it runs")
    args = parser.parse_args()
    args.size = parse_size(args.size or ("4M" if args.quick else "100M"))
    args.reps = args.reps or (2 if args.quick else 5)
    args.latency_calls = args.latency_calls or (50 if args.quick else 1000)

    comm = MPI.COMM_WORLD
    directory = comm.bcast(os.path.join(args.dir, f"run-{os.getpid()}") if comm.rank == 0 else None)
    if comm.rank == 0:
        os.makedirs(directory)
    comm.Barrier()
    partition = soastore.Partition() if soastore is not None else None
    try:
        data = make_catalog(args.size, comm.rank)
        workload = f"catalog {format_size(nbytes_of(data))}"
        names, samples, failures = run_disk(args, comm, partition, directory, data)
        rows = disk_rows(names, samples, failures, data, comm.size, workload)
        sizes = [(format_size(40_000), make_catalog(40_000, comm.rank)), (format_size(nbytes_of(data)), data)]
        stores, missing, calls = run_latency(args, comm, partition, sizes)
        rows += latency_rows(comm, stores, missing, calls, sizes)
    finally:
        comm.Barrier()
        if comm.rank == 0:
            shutil.rmtree(directory, ignore_errors=True)

    if comm.rank == 0:
        print(f"soastore python bench: {comm.size} ranks on {socket.gethostname()} ({os.cpu_count()} cores), "
              f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}, numpy {np.__version__}, "
              f"python {sys.version.split()[0]}")
        print(f"files in {directory}; {args.reps} repetitions, contenders in rotated order each repetition")
        print("raw: write() of the arrays' bytes to one file per rank, no fsync, close(); read() into fresh "
              "arrays. np.load materialised: {k: f[k] for k in f}")
        print("per rank: GB/s (1e9 B/s) of the slowest rank; x raw, x numpy: throughput / raw's and "
              "np.savez/load's for the same op, median of per-repetition ratios; extra MiB: peak RSS above "
              "the data held and returned\n")
        print_table(rows)
        sys.stdout.flush()


if __name__ == "__main__":
    main()
