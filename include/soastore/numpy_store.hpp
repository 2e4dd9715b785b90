#pragma once
// NumpyStore: a temporary store of dictionaries of arrays (any length, shape and dtype), one .npz
// file per rank and key, or in memory when no temporary path is given.
// Drop-in for haccytrees.utils.datastores.NumpyStore (plus get_field, which the reference lacks).
//
// Operations are local to each rank: no rank waits for another.

#include <filesystem>
#include <optional>

#include "soastore/store.hpp"
#include "soastore/lazy_soa.hpp"
#include "soastore/npz.hpp"
#include "soastore/partition.hpp"

namespace soastore {

class NumpyStore : public Store {
 public:
  // `temporary_path` is a prefix: key K of rank R lives in "{temporary_path}_{K}.tmp.rank-{R}.npz".
  // `options` unset take their environment variables, then their defaults (soastore/options.hpp).
  // The store deletes its files when destroyed or closed unless keep_files (docs/reliability.md).
  explicit NumpyStore(const Partition& partition, std::optional<std::filesystem::path> temporary_path = std::nullopt,
                      StoreOptions options = {});

  // The value of `key` for reading one array at a time, as numpy.load's NpzFile: on disk this
  // opens the archive and reads only its directory; each `at(name)` then reads and CRC-checks
  // that member alone. Stored members are memory-mapped by default (zero copy; the file's pages
  // are shared with the page cache); {.map = false} reads them into fresh memory instead. The
  // value stays readable after the key is removed or replaced. In memory mode it holds the
  // stored arrays. KeyNotFound when there is no such key.
  [[nodiscard]] LazySoA open(std::string_view key, npz::LoadOptions options = {.map = true});
};

}  // namespace soastore
