#include "soastore/numpy_store.hpp"

#include "soastore/errors.hpp"
#include "stores/file_grouping.hpp"
#include "stores/storage_assembly.hpp"
#include "stores/npz_file_storage.hpp"
#include "stores/store_engine.hpp"

namespace soastore {
namespace {

std::unique_ptr<stores::Storage> make_storage(const Partition& partition, const std::optional<std::filesystem::path>& path,
                                              const StoreSettings& settings) {
  // Any arrays are fine, and nothing is collective: each rank keeps its own values and files.
  const stores::StorageKind kind{[](const SoA&) {}, stores::MemoryStorage::Agreement::PerRank,
                                 [&](const std::filesystem::path& prefix) {
                                   return std::make_unique<stores::NpzFileStorage>(prefix, partition.rank(), settings.io);
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
