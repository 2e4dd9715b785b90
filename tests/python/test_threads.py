"""Python threads may share a store: operations on one store run one at a time (the GIL is
released during them, so a per-store lock keeps them apart)."""

import threading

import numpy as np
import pytest

import soastore


@pytest.mark.parametrize("temporary", [False, True], ids=["memory", "disk"])
def test_threads_sharing_a_numpy_store(partition, scratch, temporary):
    store = soastore.NumpyStore(partition, scratch / "t" if temporary else None)
    errors = []

    def work(thread):
        try:
            for i in range(50):
                key = f"t{thread}_{i % 5}"
                data = {"a": np.full(100, thread * 1000 + i, dtype=np.int64)}
                store[key] = data
                np.testing.assert_array_equal(store[key]["a"], data["a"])
                if i % 2:
                    store.remove(key)
                len(store), list(store), key in store
        except Exception as error:  # reported below: pytest does not see other threads' errors
            errors.append(error)

    threads = [threading.Thread(target=work, args=(t,)) for t in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(store) == sorted(f"t{t}_{k}" for t in range(4) for k in range(5) if (45 + k) % 2 == 0)
