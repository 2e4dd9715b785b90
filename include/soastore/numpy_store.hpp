#pragma once
// NumpyStore: a temporary store of dictionaries of arrays (any length, shape and dtype), one .npz
// file per rank and key, or in memory when no temporary path is given.
// Drop-in for haccytrees.utils.datastores.NumpyStore (plus get_field, which the reference lacks).
//
// Operations are local to each rank: no rank waits for another.

#include <filesystem>
#include <optional>

#include "soastore/detail/store_base.hpp"
#include "soastore/partition.hpp"

namespace soastore {

class NumpyStore : public detail::StoreBase {
 public:
  // `temporary_path` is a prefix: key K of rank R lives in "{temporary_path}_{K}.tmp.rank-{R}.npz".
  // The store deletes its files when destroyed or closed unless options.keep_files (docs/reliability.md).
  explicit NumpyStore(const Partition& partition, std::optional<std::filesystem::path> temporary_path = std::nullopt,
                      StoreOptions options = {});
};

}  // namespace soastore
