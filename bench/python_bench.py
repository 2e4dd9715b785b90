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

then the merger tree's output loop (issue 10): the catalog cut into 30 steps whose row counts
grow with time, each step set into every file contender, then one get_field per (field, step),
as haccytrees assembles its outputs: "assemble" copies each result into the field's output
column and drops it (the pipeline's pattern), "keep" appends every result to a list. Each
loop runs in a fresh process per rank (a process's C heap keeps the shape earlier work gave
it); its "extra MiB" is the peak RSS above the data held at the end. The baselines are raw
(np.empty + readinto, what pygio does) and np.load(...)[field] (the reference NumpyStore's
store[k][f]); "NumpyStore [key][field]" reads soastore's NumpyStore the pipeline's way.
Then both stores in memory mode (set/get latency). One table: per rank GB/s of the slowest rank
(median [min-max] over repetitions, contenders in rotated order each repetition), aggregate GB/s,
throughput ratios against raw and against numpy (paired per repetition, median), peak memory
above the data, files created, and the issue's targets.
"""

import argparse
import ctypes
import ctypes.util
import gc
import json
import os
import shutil
import socket
import subprocess
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
LOOP_STEPS = 30  # the merger tree's output loop: steps of growing size, one get_field per (field, step)
LOOP_SLACK_MIB = 1.0  # a store's loop may need at most this much more peak memory than the baselines


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


def _load_libc():
    try:
        return ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
    except OSError:
        return None


_LIBC = _load_libc()


def release_free_memory():
    """gc, then hand the C heap's free pages back (glibc malloc_trim), so that a phase's peak
    starts from the memory in use and not from what an earlier contender left free."""
    gc.collect()
    trim = getattr(_LIBC, "malloc_trim", None)
    if trim is not None:
        trim(0)


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


class StoreItem(Store):
    """A store read as store[key][field]: how the pipeline reads its NumpyStore."""

    def get_field(self, key, field):
        return {field: self.store[key][field]}


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


def split_steps(data, steps):
    """The catalog cut into `steps` consecutive SoAs whose row counts grow linearly (as halo
    counts grow with time in a simulation)."""
    rows = len(next(iter(data.values())))
    weights = np.arange(1, steps + 1)
    bounds = np.concatenate(([0], np.cumsum(weights))) * rows // weights.sum()
    return [{name: array[bounds[i]:bounds[i + 1]] for name, array in data.items()} for i in range(steps)]


def field_loop(contender, keys, columns, pattern):
    """One get_field per (field, step) -- `columns` maps each field to (dtype, total rows) --
    and returns what the loop holds at its end."""
    held = {}
    for field, (dtype, rows) in columns.items():
        if pattern == "assemble":
            column, start = np.empty(rows, dtype), 0
            for key in keys:  # each step's result goes when the next one has arrived
                part = contender.get_field(key, field)[field]
                column[start:start + len(part)] = part
                start += len(part)
            held[field] = column
        else:
            for key in keys:
                held[f"{field}@{key}"] = contender.get_field(key, field)[field]
    return held


LOOP_CONTENDERS = ("raw write/read", "np.savez/load", "NumpyStore", "GenericIOStore", "NumpyStore [key][field]")


def loop_contender(name, directory):
    """A fresh contender for the field loop (in the child process, whose MPI world is itself)."""
    if name == "raw write/read":
        return RawFiles(directory, 0)
    if name == "np.savez/load":
        return NumpyFiles(directory, 0)
    if soastore is None:
        raise RuntimeError(f"not run: cannot import soastore ({SOASTORE_MISSING})")
    prefix = os.path.join(directory, "store")
    if name == "GenericIOStore":
        return Store(name, soastore.GenericIOStore(soastore.Partition(), 1.0, prefix))
    store = soastore.NumpyStore(soastore.Partition(), prefix)
    return StoreItem(name, store) if name == "NumpyStore [key][field]" else Store(name, store)


def field_loop_child(args):
    """--field-loop-child NAME PATTERN: one loop in this fresh process; prints its JSON figures."""
    name, pattern = args.field_loop_child
    directory = os.path.join(args.dir, f"loop-{os.getpid()}")
    os.makedirs(directory)
    try:
        data = make_catalog(args.size, args.seed)
        steps = split_steps(data, LOOP_STEPS)
        keys = [f"step{i}" for i in range(LOOP_STEPS)]
        columns = {field: (array.dtype, len(array)) for field, array in data.items()}
        contender = loop_contender(name, directory)
        for key, step in zip(keys, steps):
            contender.set(key, step)
        release_free_memory()
        reset_peak_memory()
        resident = _status_bytes("VmRSS")
        start = time.perf_counter()
        held = field_loop(contender, keys, columns, pattern)
        seconds = time.perf_counter() - start
        extra = _status_bytes("VmHWM") - resident - nbytes_of(held)
        expected = data if pattern == "assemble" else {
            f"{field}@{key}": step[field] for field in columns for key, step in zip(keys, steps)}
        if not same(held, expected):
            raise RuntimeError(f"the {pattern} loop returned other data than was set")
        outcome = {"seconds": seconds, "extra": extra}
    except Exception as error:  # noqa: BLE001 -- reported as the row's text
        outcome = {"error": f"failed: {error}"}
    finally:
        shutil.rmtree(directory, ignore_errors=True)
    print(json.dumps(outcome))


def child_environment():
    """This environment without what mpirun sets for its own ranks, so that a child process
    initialises MPI as a singleton (the user's MCA settings, such as btl and pml, stay)."""
    launcher = ("OMPI_MCA_ess", "OMPI_MCA_orte_", "OMPI_MCA_pmix", "OMPI_MCA_initial_wdir",
                "OMPI_MCA_shmem_RUNTIME_QUERY_hint", "OMPI_MCA_mpi_oversubscribe", "PMIX_", "PMI_", "HYDRA_")
    env = {}
    for key, value in os.environ.items():
        if key.startswith(launcher):
            continue
        if key.startswith("OMPI_") and not key.startswith(("OMPI_MCA_", "OMPI_ALLOW_RUN_AS_ROOT")):
            continue
        env[key] = value
    return env


def run_field_loop(args, comm, directory):
    """The merger tree's output loop, each (contender, pattern, repetition) in a fresh process per
    rank: a process's C heap keeps the shape earlier work gave it, and a fragmented heap costs
    every later contender too, so sharing one process would blur who needed the memory."""
    samples, failures = {}, {}
    env = child_environment()
    for rep in range(args.reps):
        order = LOOP_CONTENDERS[rep % len(LOOP_CONTENDERS):] + LOOP_CONTENDERS[:rep % len(LOOP_CONTENDERS)]
        for name in order:
            for pattern in ("assemble", "keep"):
                if name in failures:
                    continue
                comm.Barrier()
                command = [sys.executable, os.path.abspath(__file__), "--field-loop-child", name, pattern,
                           "--size", str(args.size), "--seed", str(comm.rank), "--dir", directory]
                child = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
                try:
                    outcome = json.loads(child.stdout.strip().splitlines()[-1])
                except (IndexError, ValueError):
                    outcome = {"error": f"failed: child exited {child.returncode}: {child.stderr.strip()[-300:]}"}
                errors = [e for e in comm.allgather(outcome.get("error")) if e]
                if errors:
                    failures[name] = errors[0]
                    continue
                seconds = comm.allreduce(outcome["seconds"], op=MPI.MAX)
                extra = comm.allreduce(outcome["extra"], op=MPI.MAX)
                samples.setdefault((name, pattern), []).append((seconds, extra, 0))
    return list(LOOP_CONTENDERS), samples, failures


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


def loop_rows(names, samples, failures, data, nranks):
    rows = []
    workload = f"field loop {LOOP_STEPS}x{len(data)} {format_size(nbytes_of(data))}"
    baselines = ("raw write/read", "np.savez/load")
    for pattern in ("assemble", "keep"):
        # The most the baselines needed above the data: what a store may need (plus the slack).
        allowed = max((max(e for _, e, _ in samples[(b, pattern)]) for b in baselines if (b, pattern) in samples),
                      default=None)
        for name in names:
            if name in failures:
                rows.append([workload, name, pattern, failures[name]])
                continue
            runs = samples[(name, pattern)]
            seconds = [s for s, _, _ in runs]
            extra = max(e for _, e, _ in runs)
            vs_raw = paired_speedup(samples, (name, pattern), ("raw write/read", pattern))
            vs_numpy = paired_speedup(samples, (name, pattern), ("np.savez/load", pattern))
            target = ""
            if name not in baselines and allowed is not None:
                met = extra <= allowed + LOOP_SLACK_MIB * 2**20
                target = f"peak <= baselines' {allowed / 2**20:.1f} + {LOOP_SLACK_MIB:g} MiB: {'met' if met else 'MISSED'}"
            rows.append([
                workload, name, pattern, rate_cell(nbytes_of(data), seconds),
                f"{nbytes_of(data) * nranks / np.median(seconds) / 1e9:.2f} GB/s",
                f"{vs_raw:.2f}" if vs_raw is not None else "",
                f"{vs_numpy:.2f}" if vs_numpy is not None else "",
                f"{extra / 2**20:.1f}",
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
    # Internal: one field-loop measurement in a fresh process (see run_field_loop).
    parser.add_argument("--field-loop-child", nargs=2, metavar=("CONTENDER", "PATTERN"), help=argparse.SUPPRESS)
    parser.add_argument("--seed", type=int, default=0, help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.size = parse_size(args.size or ("4M" if args.quick else "100M"))
    args.reps = args.reps or (2 if args.quick else 5)
    args.latency_calls = args.latency_calls or (50 if args.quick else 1000)
    if args.field_loop_child:
        field_loop_child(args)
        return

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
        names, samples, failures = run_field_loop(args, comm, directory)
        rows += loop_rows(names, samples, failures, data, comm.size)
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
              "the data held and returned")
        print(f"field loop: the catalog as {LOOP_STEPS} steps of growing size, one get_field per (field, step); "
              "assemble: each result copied into its field's column, then dropped; keep: every result kept. "
              "raw = np.empty + readinto of one column (as pygio), np.savez/load = np.load(f)[field]; "
              "each loop in a fresh process per rank, its C heap trimmed after the sets; extra MiB: peak RSS "
              "above the data the loop holds at its end\n")
        print_table(rows)
        sys.stdout.flush()


if __name__ == "__main__":
    main()
