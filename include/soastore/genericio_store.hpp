#pragma once
// GenericIOStore: a temporary store of Structure-of-Arrays in HACC GenericIO files, one file per
// key written collectively by all ranks, or in memory when no temporary path is given.
// Drop-in for haccytrees.utils.datastores.GenericIOStore.
//
// Every operation is collective over the partition's communicator: all ranks call it with the
// same key. Each rank's SoA holds 1-D arrays of one length (lengths may differ between ranks,
// 0 included) of a dtype GenericIO stores: int8..int64, uint8..uint64, float32, float64.

#include <filesystem>
#include <optional>

#include "soastore/store.hpp"
#include "soastore/partition.hpp"

namespace soastore {

class GenericIOStore : public Store {
 public:
  // `box_size` becomes the files' physical scale (origin 0); `temporary_path` is a prefix:
  // key K lives in "{temporary_path}_{K}.tmp.gio".
  // `options` unset take their environment variables, then their defaults (soastore/options.hpp).
  // The store deletes its files when destroyed or closed unless keep_files (docs/reliability.md).
  GenericIOStore(const Partition& partition, double box_size,
                 std::optional<std::filesystem::path> temporary_path = std::nullopt, StoreOptions options = {});

  [[nodiscard]] double box_size() const noexcept { return box_size_; }

 private:
  double box_size_;
};

}  // namespace soastore
