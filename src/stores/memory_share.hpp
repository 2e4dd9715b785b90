#pragma once
// Turns a MemoryAmount (soastore/options.hpp) into bytes for this rank.

#include <cstdint>
#include <optional>

#include "soastore/options.hpp"
#include "soastore/partition.hpp"

namespace soastore::stores {

// The memory this rank may use: the node's (MemTotal), or its memory cgroup's limit when lower
// (v1 memory.limit_in_bytes or v2 memory.max of this process's group), divided by the partition's
// ranks on this node. Collective over the partition (MPI_Comm_split_type).
[[nodiscard]] std::uint64_t rank_memory_share(const Partition& partition);

// Bytes of `amount` on this rank; nothing for MemoryAmount::Kind::None. Collective for a fraction.
[[nodiscard]] std::optional<std::uint64_t> resolve_memory_amount(const MemoryAmount& amount, const Partition& partition);

}  // namespace soastore::stores
