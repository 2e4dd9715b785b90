#include "stores/memory_storage.hpp"

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
  values_.insert_or_assign(key, soa);
}

SoA MemoryStorage::read(const std::string& key, const std::vector<std::string>* fields) {
  const SoA& stored = values_.at(key);  // the engine checked the key exists
  return fields == nullptr ? stored : select_fields(stored, *fields, key);
}

void MemoryStorage::erase(const std::string& key) { values_.erase(key); }
void MemoryStorage::discard(const std::string& key) noexcept { values_.erase(key); }

SoA select_fields(const SoA& soa, const std::vector<std::string>& fields, const std::string& key) {
  SoA result;
  for (const std::string& field : fields) {
    if (!soa.contains(field)) throw KeyNotFound("field '" + field + "' not found in key '" + key + "'");
    result.insert(field, soa.at(field));
  }
  return result;
}

}  // namespace soastore::stores
