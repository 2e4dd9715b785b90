#pragma once
// Builds the contenders a workload runs, in the order they appear in the table: the baselines
// first, then the stores the user chose.

#include <filesystem>

#include "bench/contender.hpp"
#include "bench/options.hpp"
#include "soastore/partition.hpp"

namespace soastore::bench {

inline constexpr const char* kRaw = "raw write/read";
inline constexpr const char* kRawDirect = "raw O_DIRECT";
inline constexpr const char* kMemcpy = "memcpy";
inline constexpr const char* kGenericIO = "GenericIOStore";
inline constexpr const char* kNumpy = "NumpyStore";

// The O_DIRECT baseline (when `with_direct`; unavailable where the file system refuses
// O_DIRECT), the raw-file baseline, memcpy (when `with_memcpy`) and the chosen stores with their
// files in `dir`.
[[nodiscard]] ContenderSet make_disk_contenders(const Partition& partition, const ResolvedOptions& options,
                                                const std::filesystem::path& dir, bool with_memcpy,
                                                bool with_direct = false);
// The chosen stores in memory mode.
[[nodiscard]] ContenderSet make_memory_contenders(const Partition& partition, const ResolvedOptions& options);


// Whether `name` is one of the store contenders (not a baseline).
[[nodiscard]] bool is_store(const std::string& name);

// The contenders in the order repetition `rep` runs them: rotated by one each repetition so
// that no contender always runs first (cold) or right after the same neighbour.
[[nodiscard]] std::vector<Contender*> running_order(const ContenderSet& contenders, int rep);
// Every contender's name, available ones first, as the table lists them.
[[nodiscard]] std::vector<std::string> listing_order(const ContenderSet& contenders);

}  // namespace soastore::bench
