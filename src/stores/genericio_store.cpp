#include "soastore/genericio_store.hpp"

#include "genericio/soa_rules.hpp"
#include "soastore/errors.hpp"
#include "stores/genericio_file_storage.hpp"
#include "stores/memory_storage.hpp"
#include "stores/store_engine.hpp"

namespace soastore {
namespace {

std::unique_ptr<stores::Storage> make_storage(const Partition& partition, double box_size,
                                              const std::optional<std::filesystem::path>& path, IoMode io) {
  if (path) return std::make_unique<stores::GenericIOFileStorage>(partition, box_size, *path, io);
  return std::make_unique<stores::MemoryStorage>(genericio::check_writable, partition,
                                                 stores::MemoryStorage::Agreement::Collective);
}

std::string describe(const std::optional<std::filesystem::path>& path) {
  return path ? "GenericIOStore at '" + path->string() + "'" : "GenericIOStore (in memory)";
}

}  // namespace

GenericIOStore::GenericIOStore(const Partition& partition, double box_size,
                               std::optional<std::filesystem::path> temporary_path, StoreOptions options)
    : Store(std::make_unique<stores::StoreEngine>(describe(temporary_path), partition, temporary_path,
                                                  make_storage(partition, box_size, temporary_path, resolve_options(options).io),
                                                  resolve_options(options))),
      box_size_(box_size) {}

}  // namespace soastore
