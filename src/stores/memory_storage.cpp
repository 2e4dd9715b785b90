#include "stores/memory_storage.hpp"

#include <algorithm>

#include "mpi/collective.hpp"

namespace soastore::stores {

MemoryStorage::MemoryStorage(Validator validate, Partition partition, Agreement agreement)
    : validate_(std::move(validate)), partition_(std::move(partition)), agreement_(agreement) {}

void MemoryStorage::write(const std::string& key, const SoA& soa) {
  if (collective()) {
    mpi::run_collectively(partition_.comm(), [&] { validate_(soa); });
  } else {
    validate_(soa);
  }
  erase(key);
  values_.emplace(key, soa);
  bytes_ += soa.nbytes();
  peak_bytes_ = std::max(peak_bytes_, bytes_);
}

SoA MemoryStorage::read(const std::string& key, const std::vector<std::string>* fields) {
  const SoA& stored = values_.at(key);  // the engine checked the key exists
  return fields == nullptr ? stored : select_fields(stored, *fields, key);
}

void MemoryStorage::erase(const std::string& key) {
  if (const auto it = values_.find(key); it != values_.end()) {
    bytes_ -= it->second.nbytes();
    values_.erase(it);
  }
}

void MemoryStorage::discard(const std::string& key) noexcept { erase(key); }

void MemoryStorage::add_stats(StoreStats& stats) const {
  stats.bytes_in_memory += bytes_;
  stats.keys_in_memory += values_.size();
  stats.peak_bytes_in_memory = std::max(stats.peak_bytes_in_memory, peak_bytes_);
}

SoA select_fields(const SoA& soa, const std::vector<std::string>& fields, const std::string& key) {
  SoA result;
  for (const std::string& field : fields) {
    if (!soa.contains(field)) throw KeyNotFound("field '" + field + "' not found in key '" + key + "'");
    result.insert(field, soa.at(field));
  }
  return result;
}

}  // namespace soastore::stores
