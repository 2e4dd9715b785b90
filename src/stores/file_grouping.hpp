#pragma once
// The file_groups option of a store, turned into the MPI layer's group of ranks sharing a file.

#include "mpi/file_groups.hpp"
#include "soastore/options.hpp"
#include "soastore/partition.hpp"

namespace soastore::stores {

// Collective over the partition. FileGroups::Kind::StoreDefault takes `store_default`.
[[nodiscard]] mpi::FileGroup make_file_group(const Partition& partition, FileGroups groups,
                                             FileGroups::Kind store_default);

}  // namespace soastore::stores
