"""Every soastore error reaches Python as the exception Python code expects."""

import errno
import os

import numpy as np
import pytest

import soastore
from soastore._soastore import _ErrorKind, _raise_error


def test_key_not_found_is_a_key_error():
    with pytest.raises(KeyError) as info:
        _raise_error(_ErrorKind.KeyNotFound, "key 'k' not found")
    assert info.value.args == ("key 'k' not found",)


@pytest.mark.parametrize("kind", [_ErrorKind.InvalidKey, _ErrorKind.InvalidData])
def test_invalid_keys_and_data_are_value_errors(kind):
    with pytest.raises(ValueError, match="bad thing"):
        _raise_error(kind, "bad thing")


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


def test_other_errors_are_runtime_errors():
    with pytest.raises(RuntimeError, match="generic"):
        _raise_error(_ErrorKind.Generic, "generic")


def test_exception_classes_live_in_the_package():
    assert soastore.CorruptFileError.__module__ == "soastore"
    assert soastore.LayoutMismatchError.__module__ == "soastore"


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
