#include "stores/store_engine.hpp"

#include <algorithm>

#include "stores/key_rules.hpp"

namespace soastore::detail {

StoreEngine::StoreEngine(std::string name, Partition partition, std::optional<std::filesystem::path> temporary_path,
                         std::unique_ptr<stores::Storage> storage)
    : name_(std::move(name)), partition_(std::move(partition)), path_(std::move(temporary_path)), storage_(std::move(storage)) {}

std::vector<std::string>::iterator StoreEngine::require(std::string_view key) {
  auto it = std::find(keys_.begin(), keys_.end(), key);
  if (it == keys_.end()) throw KeyNotFound("key '" + std::string(key) + "' not found in " + name_);
  return it;
}

void StoreEngine::set(std::string_view key, const SoA& soa) {
  stores::check_key(key);
  const std::string owned(key);
  storage_->write(owned, soa);
  if (!contains(key)) keys_.push_back(owned);
}

SoA StoreEngine::read(std::string_view key, const std::vector<std::string>* fields) {
  require(key);
  return storage_->read(std::string(key), fields);
}

void StoreEngine::remove(std::string_view key) {
  auto it = require(key);
  storage_->erase(*it);
  keys_.erase(it);
}

bool StoreEngine::contains(std::string_view key) const {
  return std::find(keys_.begin(), keys_.end(), key) != keys_.end();
}

}  // namespace soastore::detail
