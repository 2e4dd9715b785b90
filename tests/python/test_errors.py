"""Every soastore error reaches Python as the exception Python code expects: a class per kind
(generated from the C++ list of kinds), each a soastore.Error and a subclass of the builtin that
fits, with the error's errno, path and rank."""

import errno
import os

import numpy as np
import pytest

import soastore
from soastore_testing import ErrorKind as _ErrorKind
from soastore_testing import raise_error as _raise_error


def test_key_not_found_is_a_key_error():
    with pytest.raises(KeyError) as info:
        _raise_error(_ErrorKind.KeyNotFound, "key 'k' not found")
    assert info.value.args == ("key 'k' not found",)
    assert type(info.value) is soastore.KeyNotFoundError and isinstance(info.value, soastore.Error)


@pytest.mark.parametrize("kind, cls", [(_ErrorKind.InvalidKey, "InvalidKeyError"),
                                       (_ErrorKind.InvalidData, "InvalidDataError")])
def test_invalid_keys_and_data_are_value_errors(kind, cls):
    with pytest.raises(ValueError, match="bad thing") as info:
        _raise_error(kind, "bad thing")
    assert type(info.value) is getattr(soastore, cls) and isinstance(info.value, soastore.Error)


def test_details_reach_every_class():
    with pytest.raises(soastore.KeyNotFoundError) as info:
        _raise_error(_ErrorKind.KeyNotFound, "field 'x' not found", 0, "f.npz", 2)
    assert info.value.path == "f.npz" and info.value.rank == 2 and info.value.errno is None


def test_every_cpp_kind_has_a_python_class():
    names = {"KeyNotFound": "KeyNotFoundError", "InvalidKey": "InvalidKeyError", "InvalidData": "InvalidDataError",
             "CorruptFile": "CorruptFileError", "LayoutMismatch": "LayoutMismatchError",
             "InvalidOption": "InvalidOptionError", "MemoryLimitExceeded": "MemoryLimitError"}
    kinds = set(_ErrorKind.__members__) - {"Generic", "IoError"}
    assert kinds == set(names)
    for kind in kinds:
        with pytest.raises(soastore.Error) as info:
            _raise_error(_ErrorKind.__members__[kind], "m")
        assert type(info.value).__name__ == names[kind]


@pytest.mark.parametrize("number, subclass", [
    (errno.ENOSPC, OSError),
    (errno.EIO, OSError),
    (errno.ENOENT, FileNotFoundError),
    (errno.EACCES, PermissionError),
])
def test_io_errors_are_os_errors_with_errno_and_filename(number, subclass):
    with pytest.raises(OSError) as info:
        _raise_error(_ErrorKind.IoError, "write '/scratch/f' failed: no", number, "/scratch/f")
    error = info.value
    assert type(error) is subclass
    assert error.errno == number
    assert error.filename == "/scratch/f"
    assert "write '/scratch/f' failed" in str(error)


def test_io_error_without_errno_or_path():
    with pytest.raises(OSError) as info:
        _raise_error(_ErrorKind.IoError, "something failed", errno.ENOSPC)
    assert info.value.errno == errno.ENOSPC and info.value.filename is None
    with pytest.raises(OSError) as info:
        _raise_error(_ErrorKind.IoError, "something failed")
    assert info.value.errno is None


def test_corrupt_file_is_an_os_error_subclass_with_path_and_rank():
    assert issubclass(soastore.CorruptFileError, OSError)
    with pytest.raises(soastore.CorruptFileError) as info:
        _raise_error(_ErrorKind.CorruptFile, "bad CRC in 'f.gio'", 0, "f.gio", 3)
    assert info.value.path == "f.gio" and info.value.rank == 3
    assert str(info.value) == "bad CRC in 'f.gio'"
    with pytest.raises(OSError) as info:
        _raise_error(_ErrorKind.CorruptFile, "truncated")
    assert info.value.path is None and info.value.rank is None


def test_layout_mismatch_is_a_value_error_subclass():
    assert issubclass(soastore.LayoutMismatchError, ValueError)
    with pytest.raises(soastore.LayoutMismatchError, match="2 ranks"):
        _raise_error(_ErrorKind.LayoutMismatch, "file has 2 ranks")


def test_other_errors_are_soastore_errors():
    with pytest.raises(soastore.Error, match="generic") as info:
        _raise_error(_ErrorKind.Generic, "generic")
    assert type(info.value) is soastore.Error


def test_exception_classes_live_in_the_package():
    for cls in (soastore.Error, soastore.KeyNotFoundError, soastore.InvalidKeyError, soastore.InvalidDataError,
                soastore.CorruptFileError, soastore.LayoutMismatchError, soastore.InvalidOptionError):
        assert cls.__module__ == "soastore"
        assert cls is soastore.Error or issubclass(cls, soastore.Error)


# Errors raised by real operations (the stores' in-memory errors are in test_stores.py).

def test_a_missing_file_is_file_not_found(scratch):
    missing = scratch / "missing.gio"
    with pytest.raises(FileNotFoundError) as info:
        soastore.read_genericio(missing)
    assert info.value.errno == errno.ENOENT
    with pytest.raises(FileNotFoundError):
        soastore.load_npz(scratch / "missing.npz")
    with pytest.raises(FileNotFoundError):
        soastore.inspect_genericio(missing)


def test_writing_into_a_missing_directory_is_an_os_error(scratch):
    with pytest.raises(OSError) as info:
        soastore.save_npz(scratch / "no" / "such" / "dir.npz", {"a": np.zeros(2)})
    assert info.value.errno == errno.ENOENT


@pytest.mark.skipif(not os.access("/dev/full", os.W_OK), reason="needs /dev/full")
def test_a_full_device_is_enospc():
    # /dev/full accepts opens and fails every write with ENOSPC.
    with pytest.raises(OSError) as info:
        soastore.save_npz("/dev/full", {"a": np.zeros(1000)})
    assert info.value.errno == errno.ENOSPC
