#include "bench/contenders.hpp"

#include "bench/memcpy_contender.hpp"
#include "bench/raw_file_contender.hpp"
#include "bench/store_contender.hpp"
#include "soastore/genericio_store.hpp"
#include "soastore/numpy_store.hpp"

namespace soastore::bench {
namespace {

// A store that cannot be built (no file storage yet, a bad directory) becomes a row that says why.
template <class Make>
void add_store(ContenderSet& set, const char* name, Make make) {
  try {
    set.available.push_back(make());
  } catch (const Error& error) {
    set.unavailable.push_back({name, error.what()});
  }
}

void add_stores(ContenderSet& set, const Partition& partition, const ResolvedOptions& options,
                const std::optional<std::filesystem::path>& dir) {
  if (options.genericio) {
    add_store(set, kGenericIO, [&] {
      const auto path = dir ? std::optional(*dir / "genericio") : std::nullopt;
      return std::make_unique<StoreContender<GenericIOStore>>(kGenericIO, GenericIOStore(partition, 1.0, path));
    });
  }
  if (options.numpy) {
    add_store(set, kNumpy, [&] {
      const auto path = dir ? std::optional(*dir / "numpy") : std::nullopt;
      return std::make_unique<StoreContender<NumpyStore>>(kNumpy, NumpyStore(partition, path));
    });
  }
}

}  // namespace

ContenderSet make_disk_contenders(const Partition& partition, const ResolvedOptions& options,
                                  const std::filesystem::path& dir, bool with_memcpy) {
  ContenderSet set;
  set.available.push_back(std::make_unique<RawFileContender>(dir, partition.rank(), options.fsync));
  if (with_memcpy) set.available.push_back(std::make_unique<MemcpyContender>());
  add_stores(set, partition, options, dir);
  return set;
}

ContenderSet make_memory_contenders(const Partition& partition, const ResolvedOptions& options) {
  ContenderSet set;
  add_stores(set, partition, options, std::nullopt);
  return set;
}

std::vector<Contender*> running_order(const ContenderSet& contenders, int rep) {
  std::vector<Contender*> order;
  const std::size_t n = contenders.available.size();
  for (std::size_t i = 0; i < n; ++i) order.push_back(contenders.available[(i + static_cast<std::size_t>(rep)) % n].get());
  return order;
}

std::vector<std::string> listing_order(const ContenderSet& contenders) {
  std::vector<std::string> names;
  for (const auto& contender : contenders.available) names.push_back(contender->name());
  for (const Unavailable& missing : contenders.unavailable) names.push_back(missing.name);
  return names;
}

}  // namespace soastore::bench
