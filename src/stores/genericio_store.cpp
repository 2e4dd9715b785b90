#include "soastore/genericio_store.hpp"

#include "genericio/soa_rules.hpp"
#include "soastore/errors.hpp"
#include "stores/file_grouping.hpp"
#include "stores/genericio_file_storage.hpp"
#include "stores/storage_assembly.hpp"
#include "stores/store_engine.hpp"

namespace soastore {
namespace {

std::unique_ptr<stores::Storage> make_storage(const Partition& partition, double box_size,
                                              const std::optional<std::filesystem::path>& path,
                                              const StoreSettings& settings) {
  // Values are checked on every rank before they are kept, also in memory, so that the ranks
  // agree on which keys exist.
  const stores::StorageKind kind{genericio::check_writable, stores::MemoryStorage::Agreement::Collective,
                                 [&](const std::filesystem::path& prefix) {
                                   return std::make_unique<stores::GenericIOFileStorage>(
                                       partition, box_size, prefix, settings.io,
                                       stores::make_file_group(partition, settings.file_groups));
                                 }};
  return stores::assemble_storage(kind, partition, path, settings);
}

std::string describe(const std::optional<std::filesystem::path>& path) {
  return path ? "GenericIOStore at '" + path->string() + "'" : "GenericIOStore (in memory)";
}

std::unique_ptr<stores::StoreEngine> make_engine(const Partition& partition, double box_size,
                                                const std::optional<std::filesystem::path>& path,
                                                StoreSettings settings) {
  // One file for all ranks unless asked otherwise: the reference's file.
  settings.file_groups = stores::resolve_file_groups(settings.file_groups, FileGroups::Kind::All);
  std::unique_ptr<stores::Storage> storage = make_storage(partition, box_size, path, settings);
  return std::make_unique<stores::StoreEngine>(describe(path), partition, path, std::move(storage), std::move(settings));
}

}  // namespace

GenericIOStore::GenericIOStore(const Partition& partition, double box_size,
                               std::optional<std::filesystem::path> temporary_path, StoreOptions options)
    : Store(make_engine(partition, box_size, temporary_path, resolve_options(options))),
      box_size_(box_size) {}

}  // namespace soastore
