"""Reliability from Python (close/with/keep_files are in test_store_files.py): bad keys are
ValueError before anything is written, and a store still referenced at interpreter exit deletes
its files (in a separate process)."""

import os
import subprocess
import sys
import textwrap

import pytest
from mpi4py import MPI

import soastore

COMM = MPI.COMM_WORLD


def files_in(path):
    COMM.Barrier()
    names = sorted(os.listdir(path))
    COMM.Barrier()
    return names


def make_stores(partition, prefix, **options):
    return [soastore.GenericIOStore(partition, 1.0, prefix / "gio", **options),
            soastore.NumpyStore(partition, prefix / "npz", **options)]


@pytest.mark.parametrize("key", ["", "a/b", "..", "k" * 201, "tab\there"])
def test_bad_keys_are_value_errors_before_writing(partition, scratch, rank_data, key):
    for store in make_stores(partition, scratch) + [soastore.NumpyStore(partition)]:
        with pytest.raises(ValueError):
            store[key] = rank_data()
    assert files_in(scratch) == []


def test_files_go_at_interpreter_exit(scratch):
    """A store still referenced when the interpreter exits deletes its files (own process,
    one rank: the child must not join this MPI job, so mpiexec's variables are left out)."""
    if COMM.rank == 0:
        environment = {k: v for k, v in os.environ.items()
                       if not k.startswith(("PMIX_", "OMPI_COMM_", "OMPI_UNIVERSE", "OMPI_FIRST", "OMPI_APP",
                                            "OMPI_NUM_APP", "OMPI_FILE_LOCATION", "OMPI_MCA_ess", "OMPI_MCA_orte",
                                            "OMPI_MCA_pmix", "OMPI_MCA_initial"))}
        script = textwrap.dedent(f"""
            import numpy as np, soastore
            partition = soastore.Partition()
            kept = soastore.NumpyStore(partition, {str(scratch / 'kept')!r}, keep_files=True)
            stores = [soastore.GenericIOStore(partition, 1.0, {str(scratch / 'gio')!r}),
                      soastore.NumpyStore(partition, {str(scratch / 'npz')!r})]
            for store in stores + [kept]:
                store["k"] = {{"a": np.arange(10.0)}}
            print(len(__import__("os").listdir({str(scratch)!r})))
        """)
        done = subprocess.run([sys.executable, "-c", script], env=environment, capture_output=True, text=True,
                              timeout=120)
        assert done.returncode == 0, done.stderr
        assert done.stdout.strip() == "3"
        assert sorted(os.listdir(scratch)) == ["kept_k.tmp.rank-0.npz"]
    COMM.Barrier()
