"""Run by the venv's python (tests/pip/CMakeLists.txt): the soastore that pip installed into the
venv VENV is the one imported, and a NumpyStore on disk gives back what was stored."""

import pathlib
import sys
import tempfile

import numpy as np

import soastore

venv = pathlib.Path(sys.argv[1]).resolve()
location = pathlib.Path(soastore.__file__).resolve()
assert location.is_relative_to(venv), f"imported {location}, not the package in {venv}"

with tempfile.TemporaryDirectory() as directory:
    with soastore.NumpyStore(soastore.Partition(), f"{directory}/store") as store:
        x = np.arange(1000, dtype=np.float64)
        store["step"] = {"x": x, "id": np.arange(1000, dtype=np.int64)}
        np.testing.assert_array_equal(store.get_field("step", "x")["x"], x)
        np.testing.assert_array_equal(store.pop("step")["id"], np.arange(1000))
print(f"pip-installed soastore at {location.parent}: ok")
