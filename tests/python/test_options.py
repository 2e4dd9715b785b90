"""Store options from their one C++ declaration: keyword-only arguments with defaults and docs,
one environment variable each (read when a store is constructed; an argument given in code wins),
a clear error naming a malformed variable, and the settings a store runs with."""

import inspect

import numpy as np
import pytest
from mpi4py import MPI

import soastore
from conftest import takes_o_direct

COMM = MPI.COMM_WORLD


@pytest.fixture
def keep_files_variable(monkeypatch):
    def set_to(text):
        monkeypatch.setenv("SOASTORE_KEEP_FILES", text)
    monkeypatch.delenv("SOASTORE_KEEP_FILES", raising=False)
    return set_to


@pytest.mark.parametrize("cls", [soastore.GenericIOStore, soastore.NumpyStore])
def test_options_are_keyword_only_with_defaults_and_docs(cls):
    parameter = inspect.signature(cls).parameters["keep_files"]
    assert parameter.kind is inspect.Parameter.KEYWORD_ONLY and parameter.default is False
    assert "keep_files : bool, keyword-only, default false" in cls.__doc__
    assert "SOASTORE_KEEP_FILES" in cls.__doc__
    assert "{temporary_path_and_options}" not in cls.__doc__
    assert "temporary_path : str or os.PathLike, optional" in cls.__doc__


def test_every_option_is_listed_with_its_variable():
    options = soastore._soastore.store_options()
    assert [o["name"] for o in options][0] == "keep_files"
    for option in options:
        assert option["environment_variable"] == "SOASTORE_" + option["name"].upper()
        assert option["description"]


def test_the_environment_sets_what_code_leaves_unset(partition, scratch, keep_files_variable):
    assert soastore.NumpyStore(partition).settings == {"keep_files": False, "io": "auto", "background": False,
                                                       "background_bytes": 256 << 20, "memory_budget": None,
                                                       "spill_target": 0.8, "memory_limit": None,
                                                       "file_groups": "rank"}
    assert soastore.GenericIOStore(partition, 1.0).settings["file_groups"] == "all"
    keep_files_variable("1")
    store = soastore.NumpyStore(partition, scratch / "env")
    assert store.settings["keep_files"] is True
    store["k"] = {"a": np.arange(3)}
    store.close()
    assert (scratch / f"env_k.tmp.rank-{COMM.rank}.npz").exists()  # kept, as the variable asked
    # An argument given in code wins over the variable.
    store = soastore.NumpyStore(partition, scratch / "code", keep_files=False)
    store["k"] = {"a": np.arange(3)}
    store.close()
    assert not (scratch / f"code_k.tmp.rank-{COMM.rank}.npz").exists()
    COMM.Barrier()


@pytest.mark.parametrize("cls", [lambda p: soastore.GenericIOStore(p, 1.0), soastore.NumpyStore],
                         ids=["GenericIOStore", "NumpyStore"])
def test_a_malformed_variable_is_an_error_naming_it(partition, keep_files_variable, cls):
    keep_files_variable("perhaps")
    with pytest.raises(soastore.InvalidOptionError, match="SOASTORE_KEEP_FILES='perhaps'") as info:
        cls(partition)
    assert isinstance(info.value, ValueError)


def test_unknown_or_mistyped_options_are_type_errors(partition):
    with pytest.raises(TypeError, match="keep_file"):
        soastore.NumpyStore(partition, keep_file=True)
    with pytest.raises(TypeError, match="keep_files must be bool"):
        soastore.NumpyStore(partition, keep_files="yes")


@pytest.mark.parametrize("cls", [lambda p, path, **o: soastore.GenericIOStore(p, 1.0, path, **o),
                                 lambda p, path, **o: soastore.NumpyStore(p, path, **o)],
                         ids=["GenericIOStore", "NumpyStore"])
@pytest.mark.parametrize("mode", ["auto", "buffered", "direct"])
def test_the_io_option_takes_its_text_and_round_trips(partition, scratch, monkeypatch, cls, mode):
    monkeypatch.delenv("SOASTORE_IO", raising=False)
    store = cls(partition, scratch / mode, io=mode)
    assert store.settings["io"] == mode
    data = {"a": np.arange(100000, dtype=np.int64) + COMM.rank, "b": np.linspace(0, 1, 100000)}
    store["k"] = data
    before = soastore.io_counters()["bytes_read_direct"]
    back = store["k"]
    for name, array in data.items():
        np.testing.assert_array_equal(back[name], array)
    if isinstance(store, soastore.NumpyStore):
        # store["k"] maps the members (direct I/O applies to copying reads only): copy them.
        copied = store.open("k", mmap=False)
        for name, array in data.items():
            np.testing.assert_array_equal(copied[name], array)
    # The store reads with its io setting too: only direct reads these 1.6 MB with O_DIRECT
    # (where the file system takes it), auto stays below its 16 MiB threshold.
    read_direct = soastore.io_counters()["bytes_read_direct"] - before
    if mode != "direct":
        assert read_direct == 0
    elif takes_o_direct(scratch):
        assert read_direct >= sum(array.nbytes for array in data.values())
    store.close()
    COMM.Barrier()


def test_the_io_variable_and_its_errors(partition, monkeypatch):
    monkeypatch.setenv("SOASTORE_IO", "Direct")
    assert soastore.NumpyStore(partition).settings["io"] == "direct"
    assert soastore.NumpyStore(partition, io="buffered").settings["io"] == "buffered"
    monkeypatch.setenv("SOASTORE_IO", "fast")
    with pytest.raises(soastore.InvalidOptionError, match="SOASTORE_IO='fast'.*auto, buffered or direct"):
        soastore.NumpyStore(partition)
    monkeypatch.delenv("SOASTORE_IO")
    with pytest.raises(soastore.InvalidOptionError, match="'fast' is not a valid value of option io"):
        soastore.NumpyStore(partition, io="fast")
    with pytest.raises(TypeError, match="option io must be"):
        soastore.NumpyStore(partition, io=True)
    assert inspect.signature(soastore.NumpyStore).parameters["io"].default == "auto"


@pytest.mark.parametrize("given, settled", [("all", "all"), ("node", "node"), ("rank", "rank"), (2, 2), ("3", 3)])
def test_file_groups_take_a_word_or_a_count(partition, given, settled):
    assert soastore.GenericIOStore(partition, 1.0, file_groups=given).settings["file_groups"] == settled


@pytest.mark.parametrize("bad", ["nodes", "0", 0, -2, "1.5", "two"])
def test_bad_file_groups_name_the_option(partition, bad):
    with pytest.raises(soastore.InvalidOptionError, match="file_groups"):
        soastore.GenericIOStore(partition, 1.0, file_groups=bad)


def test_file_groups_are_not_a_bool_or_a_float(partition):
    for bad in (True, 2.0):
        with pytest.raises(TypeError, match="file_groups"):
            soastore.GenericIOStore(partition, 1.0, file_groups=bad)
