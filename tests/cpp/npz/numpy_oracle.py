#!/usr/bin/python3
"""numpy, zipfile and unzip as oracles for our npz reader and writer (driven by test_npz_numpy).

  numpy_oracle.py write DIR          numpy writes DIR/{savez,compressed,versions}.npz and, for every
                                     array, DIR/expected/NAME.bin (native, C-ordered bytes) listed in
                                     DIR/expected/manifest.txt ("NAME DTYPE DIM...").
  numpy_oracle.py check NPZ EXPECTED numpy.load reads NPZ bit-exact against EXPECTED (same format,
                                     written by the C++ test); zipfile.testzip() is clean, unzip -t
                                     passes, every member is byte-identical to numpy's own .npy of
                                     the array and its data start on a 4096-byte boundary.
  numpy_oracle.py check-large NPZ    the >4 GiB archive of test_npz_large: zipfile sees the ZIP64
                                     sizes and offsets and testzip() checks every CRC, numpy.load
                                     reads the member past 4 GiB, and so does unzip -t (that member
                                     only: unzip checks CRCs at a tenth of zipfile's speed here).
Exit status 0 when everything holds; the first difference is printed otherwise.
"""
import io
import os
import struct
import subprocess
import sys
import zipfile

import numpy as np

DTYPES = ["bool", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64",
          "float16", "float32", "float64", "complex64", "complex128"]
SHAPES = {"scalar": (), "empty": (0,), "empty3d": (3, 0, 2), "vector": (7,), "cube": (2, 3, 4)}


def values(dtype, shape, seed):
    rng = np.random.default_rng(seed)
    count = int(np.prod(shape, dtype=np.int64))
    if dtype == np.bool_:
        return rng.integers(0, 2, count).astype(np.bool_).reshape(shape)
    raw = rng.integers(0, 256, count * dtype.itemsize, dtype=np.uint8)
    return raw.view(dtype).reshape(shape)


def numpy_cases():
    cases = {}
    seed = 0
    for name in DTYPES:
        base = np.dtype(name)
        orders = ["|"] if base.itemsize == 1 else ["<", ">"]
        for order in orders:
            dtype = base.newbyteorder(order) if order != "|" else base
            tag = {"<": "le", ">": "be", "|": "na"}[order]
            for kind, shape in SHAPES.items():
                seed += 1
                cases[f"{name}_{tag}_{kind}"] = values(dtype, shape, seed)
            seed += 1
            cases[f"{name}_{tag}_fortran"] = np.asfortranarray(values(dtype, (3, 4, 5), seed))
    cases["gr\u00f6\u00dfe_\u03bc"] = np.arange(3, dtype=np.int16)  # a UTF-8 member name
    return cases


def write_expected(directory, arrays):
    os.makedirs(directory, exist_ok=True)
    with open(os.path.join(directory, "manifest.txt"), "w", encoding="utf-8") as manifest:
        for name, array in arrays.items():
            native = np.ascontiguousarray(array).astype(array.dtype.newbyteorder("="))
            manifest.write(" ".join([name, array.dtype.name] + [str(d) for d in array.shape]) + "\n")
            with open(os.path.join(directory, name + ".bin"), "wb") as out:
                out.write(native.tobytes())


def npy_bytes(array, version=None):
    buffer = io.BytesIO()
    np.lib.format.write_array(buffer, array, version=version)
    return buffer.getvalue()


def write(directory):
    os.makedirs(directory, exist_ok=True)
    cases = numpy_cases()
    np.savez(os.path.join(directory, "savez.npz"), **cases)
    np.savez_compressed(os.path.join(directory, "compressed.npz"), **cases)
    # Header versions 2.0 and 3.0 (numpy writes them only for huge headers), stored unaligned.
    versions = {"v1": np.arange(5, dtype="<i4"), "v2": np.arange(6, dtype=">f8").reshape(2, 3),
                "v3": np.asfortranarray(np.arange(12, dtype="<u2").reshape(3, 4))}
    with zipfile.ZipFile(os.path.join(directory, "versions.npz"), "w") as archive:
        for (name, array), version in zip(versions.items(), [(1, 0), (2, 0), (3, 0)]):
            archive.writestr(name + ".npy", npy_bytes(array, version))
    cases.update(versions)
    write_expected(os.path.join(directory, "expected"), cases)


def read_expected(directory):
    expected = {}
    with open(os.path.join(directory, "manifest.txt"), encoding="utf-8") as manifest:
        for line in manifest:
            name, dtype, *shape = line.split()
            with open(os.path.join(directory, name + ".bin"), "rb") as data:
                expected[name] = np.frombuffer(data.read(), dtype=dtype).reshape([int(d) for d in shape])
    return expected


def fail(message):
    print("numpy_oracle: " + message)
    sys.exit(1)


def check(npz, expected_directory):
    expected = read_expected(expected_directory)
    with np.load(npz) as loaded:
        if sorted(loaded.files) != sorted(expected):
            fail(f"members {sorted(loaded.files)} != expected {sorted(expected)}")
        for name, want in expected.items():
            got = loaded[name]
            if got.dtype != want.dtype or got.shape != want.shape:
                fail(f"{name}: {got.dtype}{got.shape} != {want.dtype}{want.shape}")
            if got.tobytes() != want.tobytes():
                fail(f"{name}: data differ")
    with zipfile.ZipFile(npz) as archive:
        bad = archive.testzip()
        if bad is not None:
            fail(f"zipfile.testzip() reports {bad}")
        with open(npz, "rb") as raw:
            for info in archive.infolist():
                name = info.filename[:-4]
                if archive.read(info) != npy_bytes(expected[name]):
                    fail(f"{info.filename}: member bytes differ from numpy's own .npy")
                raw.seek(info.header_offset)
                local = raw.read(30)
                name_length, extra_length = struct.unpack("<HH", local[26:30])
                npy_start = info.header_offset + 30 + name_length + extra_length
                raw.seek(npy_start)
                preamble = raw.read(12)
                header_length = (struct.unpack("<H", preamble[8:10])[0] + 10 if preamble[6] == 1
                                 else struct.unpack("<I", preamble[8:12])[0] + 12)
                if (npy_start + header_length) % 4096 != 0:
                    fail(f"{info.filename}: data at offset {npy_start + header_length}, not 4096-aligned")
    if not expected:
        return  # unzip -t fails on every empty archive ("zipfile is empty"), numpy's too
    unzip = subprocess.run(["unzip", "-tq", npz], capture_output=True, text=True)
    if unzip.returncode != 0:
        fail(f"unzip -t failed ({unzip.returncode}): {unzip.stdout}{unzip.stderr}")


def check_large(npz):
    with zipfile.ZipFile(npz) as archive:
        bad = archive.testzip()
        if bad is not None:
            fail(f"zipfile.testzip() reports {bad}")
        big, small = archive.infolist()
        if big.file_size <= 2**32 or small.header_offset <= 2**32:
            fail(f"sizes {big.file_size}, offset {small.header_offset}: not past 4 GiB")
        if archive.read(small) != npy_bytes(np.arange(1000, dtype=np.int64)):
            fail("small member differs from numpy's own .npy")
    with np.load(npz) as loaded:
        if not np.array_equal(loaded["small"], np.arange(1000, dtype=np.int64)):
            fail("small member differs")
    unzip = subprocess.run(["unzip", "-tq", npz, "small.npy"], capture_output=True, text=True)
    if unzip.returncode != 0:
        fail(f"unzip -t failed ({unzip.returncode}): {unzip.stdout}{unzip.stderr}")


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "write":
        write(sys.argv[2])
    elif len(sys.argv) == 3 and sys.argv[1] == "check-large":
        check_large(sys.argv[2])
    elif len(sys.argv) == 4 and sys.argv[1] == "check":
        check(sys.argv[2], sys.argv[3])
    else:
        fail(__doc__)
