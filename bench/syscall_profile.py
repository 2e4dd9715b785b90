#!/usr/bin/env python3
"""Per-contender system-call profile of a `soastore bench` run.

    strace -f -y -T -e trace=%file,%desc,munmap,mmap,madvise -o trace.txt \\
        soastore bench --workloads catalog --sizes 1G --reps 1
    python3 bench/syscall_profile.py trace.txt

strace's -y prints the path behind every file descriptor, so each call is attributed to the
contender whose file it touches (raw_*, numpy_*, genericio_*); -T gives the time spent in the
call. Prints, per contender and system call: calls, seconds inside the kernel, bytes moved.
"""

import collections
import re
import sys

LINE = re.compile(r"^(\w+)\((.*)\)\s+=\s+(-?\d+|0x[0-9a-f]+|\?)(?:<[^>]*>)?[^<]*(?:<([\d.]+)>)?$")
PID = re.compile(r"^(?:\[pid\s+)?(\d+)\]?\s+")
UNFINISHED = " <unfinished ...>"
RESUMED = re.compile(r"^<\.\.\. \w+ resumed>")
CONTENDERS = (("raw_", "raw write/read"), ("numpy_", "NumpyStore"), ("genericio_", "GenericIOStore"))


def contender_of(arguments):
    for prefix, name in CONTENDERS:
        if "/" + prefix in arguments:
            return name
    return None


def complete_calls(trace):
    """Lines of whole calls: a call another thread interrupted is joined with its resumption."""
    pending = {}
    for line in trace:
        line = line.rstrip("\n")
        pid_match = PID.match(line)
        pid = pid_match.group(1) if pid_match else ""
        line = line[pid_match.end():] if pid_match else line
        if line.endswith(UNFINISHED):
            pending[pid] = line[: -len(UNFINISHED)]
            continue
        resumed = RESUMED.match(line)
        if resumed:
            line = pending.pop(pid, "") + line[resumed.end():]
        yield line


def main(path):
    calls = collections.defaultdict(lambda: [0, 0.0, 0])
    with open(path) as trace:
        for line in complete_calls(trace):
            match = LINE.match(line.strip())
            if not match:
                continue
            syscall, arguments, result, seconds = match.groups()
            contender = contender_of(arguments)
            if contender is None:
                continue
            entry = calls[(contender, syscall)]
            entry[0] += 1
            entry[1] += float(seconds or 0)
            if syscall in ("read", "write", "pread64", "pwrite64", "preadv", "pwritev", "readv", "writev"):
                entry[2] += max(int(result, 0), 0) if result != "?" else 0
    print(f"{'contender':16} {'syscall':12} {'calls':>7} {'kernel s':>9} {'MB':>9}")
    for (contender, syscall), (count, seconds, nbytes) in sorted(calls.items()):
        print(f"{contender:16} {syscall:12} {count:7d} {seconds:9.3f} {nbytes / 1e6:9.1f}")


if __name__ == "__main__":
    main(sys.argv[1])
