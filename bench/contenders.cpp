#include "bench/contenders.hpp"

#include <map>

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

// Each store contender with its options; with files, under a prefix of its own ("genericio",
// "genericio-2" for the second GenericIOStore, ...).
void add_stores(ContenderSet& set, const Partition& partition, const ResolvedOptions& options,
                const std::optional<std::filesystem::path>& dir) {
  std::map<std::string, int> seen;
  for (const StoreSpec& spec : options.stores) {
    const bool genericio = spec.store == kGenericIO;
    const int count = ++seen[spec.store];
    const std::string prefix = std::string(genericio ? "genericio" : "numpy") +
                               (count > 1 ? "-" + std::to_string(count) : "");
    const auto path = dir ? std::optional(*dir / prefix) : std::nullopt;
    add_store(set, spec.name.c_str(), [&]() -> std::unique_ptr<Contender> {
      if (genericio) {
        return std::make_unique<StoreContender<GenericIOStore>>(spec.name,
                                                                GenericIOStore(partition, 1.0, path, spec.options));
      }
      return std::make_unique<StoreContender<NumpyStore>>(spec.name, NumpyStore(partition, path, spec.options));
    });
  }
}

}  // namespace

ContenderSet make_disk_contenders(const Partition& partition, const ResolvedOptions& options,
                                  const std::filesystem::path& dir, bool with_memcpy, bool with_direct) {
  ContenderSet set;
  if (with_direct) {
    add_store(set, kRawDirect, [&] {
      return std::make_unique<RawFileContender>(dir, partition.rank(), options.fsync, RawIo::Direct);
    });
  }
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

bool is_store(const std::string& name) {
  return name.rfind(kGenericIO, 0) == 0 || name.rfind(kNumpy, 0) == 0;
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
