#pragma once
// The file_groups option of a store, turned into the MPI layer's group of ranks sharing a file.

#include "mpi/file_groups.hpp"
#include "soastore/options.hpp"
#include "soastore/partition.hpp"

namespace soastore::stores {

// `groups`, with FileGroups::Kind::StoreDefault replaced by `store_default` (what the store's
// settings then show).
[[nodiscard]] FileGroups resolve_file_groups(FileGroups groups, FileGroups::Kind store_default);

// Collective over the partition; `groups` resolved.
[[nodiscard]] mpi::FileGroup make_file_group(const Partition& partition, FileGroups groups);

}  // namespace soastore::stores
