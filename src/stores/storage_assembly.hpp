#pragma once
// How a store's settings pick its Storage, the same for GenericIOStore and NumpyStore:
//   no temporary_path            -> MemoryStorage (BudgetStorage without a disk with memory_limit)
//   temporary_path               -> the store's file storage
//     + background               -> BackgroundStorage over it
//     + memory_budget            -> BudgetStorage over a BackgroundStorage over it (spills run in
//                                   the background whatever `background` says)

#include <filesystem>
#include <functional>
#include <memory>
#include <optional>

#include "soastore/options.hpp"
#include "soastore/partition.hpp"
#include "stores/memory_storage.hpp"
#include "stores/staged_storage.hpp"

namespace soastore::stores {

struct StorageKind {
  MemoryStorage::Validator validate;    // what a value must satisfy before it is kept
  MemoryStorage::Agreement agreement;   // whether every operation is collective
  std::function<std::unique_ptr<StagedStorage>(const std::filesystem::path& prefix)> make_files;
};

[[nodiscard]] std::unique_ptr<Storage> assemble_storage(const StorageKind& kind, const Partition& partition,
                                                        const std::optional<std::filesystem::path>& path,
                                                        const StoreSettings& settings);

}  // namespace soastore::stores
