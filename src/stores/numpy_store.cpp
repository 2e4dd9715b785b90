#include "soastore/numpy_store.hpp"

#include "soastore/errors.hpp"
#include "stores/file_grouping.hpp"
#include "stores/npz_file_storage.hpp"
#include "stores/npz_group_storage.hpp"
#include "stores/storage_assembly.hpp"
#include "stores/store_engine.hpp"

namespace soastore {
namespace {

// Whether the (resolved) settings put several ranks' arrays into one archive: all, node, or
// N > 1. "rank" (the default) and N = 1 keep the reference's file per rank, nothing collective.
bool shares_files(const StoreSettings& settings) {
  const FileGroups& groups = settings.file_groups;
  switch (groups.kind) {
    case FileGroups::Kind::All:
    case FileGroups::Kind::Node: return true;
    case FileGroups::Kind::Consecutive: return groups.ranks > 1;
    case FileGroups::Kind::StoreDefault:
    case FileGroups::Kind::Rank: break;
  }
  return false;
}

std::unique_ptr<stores::Storage> make_storage(const Partition& partition, const std::optional<std::filesystem::path>& path,
                                              const StoreSettings& settings) {
  // Any arrays are fine. Per rank (the default) nothing is collective: each rank keeps its own
  // values and files. Shared archives make every operation collective, in memory too (a budget's
  // spills write them), so that the ranks agree on every outcome.
  const bool grouped = path && shares_files(settings);
  const stores::StorageKind kind{
      [](const SoA&) {},
      grouped ? stores::MemoryStorage::Agreement::Collective : stores::MemoryStorage::Agreement::PerRank,
      [&](const std::filesystem::path& prefix) -> std::unique_ptr<stores::StagedStorage> {
        if (!grouped) return std::make_unique<stores::NpzFileStorage>(prefix, partition.rank(), settings.io);
        return std::make_unique<stores::NpzGroupStorage>(
            partition, stores::make_file_group(partition, settings.file_groups), prefix, settings.io);
      }};
  return stores::assemble_storage(kind, partition, path, settings);
}

std::string describe(const std::optional<std::filesystem::path>& path) {
  return path ? "NumpyStore at '" + path->string() + "'" : "NumpyStore (in memory)";
}

std::unique_ptr<stores::StoreEngine> make_engine(const Partition& partition,
                                                const std::optional<std::filesystem::path>& path, StoreSettings settings) {
  // One archive per rank unless asked otherwise: the reference's files.
  settings.file_groups = stores::resolve_file_groups(settings.file_groups, FileGroups::Kind::Rank);
  std::unique_ptr<stores::Storage> storage = make_storage(partition, path, settings);
  return std::make_unique<stores::StoreEngine>(describe(path), partition, path, std::move(storage), std::move(settings));
}

}  // namespace

NumpyStore::NumpyStore(const Partition& partition, std::optional<std::filesystem::path> temporary_path,
                       StoreOptions options)
    : Store(make_engine(partition, temporary_path, resolve_options(options))) {}

LazySoA NumpyStore::open(std::string_view key, npz::LoadOptions options) { return engine().open(key, options); }

}  // namespace soastore
