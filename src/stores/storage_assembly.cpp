#include "stores/storage_assembly.hpp"

#include "stores/background_storage.hpp"
#include "stores/budget_storage.hpp"
#include "stores/memory_share.hpp"

namespace soastore::stores {

std::unique_ptr<Storage> assemble_storage(const StorageKind& kind, const Partition& partition,
                                          const std::optional<std::filesystem::path>& path,
                                          const StoreSettings& settings) {
  const bool collective = kind.agreement == MemoryStorage::Agreement::Collective;
  // Without a path every value is held in memory; with one, only with a budget.
  const std::optional<std::uint64_t> budget = path ? resolve_memory_amount(settings.memory_budget, partition) : std::nullopt;
  const std::optional<std::uint64_t> limit =
      !path || budget ? resolve_memory_amount(settings.memory_limit, partition) : std::nullopt;
  if (!path) {
    if (!limit) return std::make_unique<MemoryStorage>(kind.validate, partition, kind.agreement);
    return std::make_unique<BudgetStorage>(kind.validate, partition, collective, nullptr, false,
                                           BudgetStorage::Limits{std::nullopt, 0, limit});
  }
  if (budget) {
    auto disk = std::make_unique<BackgroundStorage>(kind.make_files(*path), partition, settings.background_bytes);
    const auto target = static_cast<std::uint64_t>(settings.spill_target * static_cast<double>(*budget));
    return std::make_unique<BudgetStorage>(kind.validate, partition, collective, std::move(disk), settings.background,
                                           BudgetStorage::Limits{budget, target, limit});
  }
  if (settings.background) {
    return std::make_unique<BackgroundStorage>(kind.make_files(*path), partition, settings.background_bytes);
  }
  return kind.make_files(*path);
}

}  // namespace soastore::stores
