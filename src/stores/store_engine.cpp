#include "stores/store_engine.hpp"

#include <algorithm>

#include "soastore/errors.hpp"
#include "stores/file_names.hpp"
#include "stores/key_rules.hpp"

namespace soastore::detail {
StoreEngine::StoreEngine(std::string name, Partition partition, std::optional<std::filesystem::path> temporary_path,
                         std::unique_ptr<stores::Storage> storage, StoreOptions options)
    : name_(std::move(name)),
      partition_(std::move(partition)),
      path_(std::move(temporary_path)),
      storage_(std::move(storage)),
      options_(options) {}

StoreEngine::~StoreEngine() { close(); }

template <class Operation>
auto StoreEngine::naming_key(const char* operation, std::string_view key, Operation&& run) {
  try {
    return run();
  } catch (const Error& e) {
    throw_with_context(e, name_ + ": " + operation + " key '" + std::string(key) + "' failed on rank " +
                                std::to_string(partition_.rank()) + ": ");
  }
}

std::vector<std::string>::iterator StoreEngine::require(std::string_view key) {
  auto it = std::find(keys_.begin(), keys_.end(), key);
  if (it == keys_.end()) throw KeyNotFound("key '" + std::string(key) + "' not found in " + name_);
  return it;
}

void StoreEngine::set(std::string_view key, const SoA& soa) {
  stores::check_key(key);
  if (path_) stores::check_file_name_length(*path_, key);
  const std::string owned(key);
  touched_.insert(owned);
  naming_key("set", key, [&] { storage_->write(owned, soa); });
  if (!contains(key)) keys_.push_back(owned);
}

SoA StoreEngine::read(std::string_view key, const std::vector<std::string>* fields) {
  require(key);
  return naming_key("get", key, [&] { return storage_->read(std::string(key), fields); });
}

LazySoA StoreEngine::open(std::string_view key, const npz::LoadOptions& options) {
  require(key);
  return naming_key("get", key, [&] { return storage_->open(std::string(key), options); });
}

void StoreEngine::remove(std::string_view key) {
  auto it = require(key);
  naming_key("remove", key, [&] { storage_->erase(*it); });
  keys_.erase(it);
}

void StoreEngine::close() noexcept {
  // Memory mode drops its values either way; keep_files only concerns files.
  if (!path_ || !options_.keep_files) {
    for (const std::string& key : touched_) storage_->discard(key);
  }
  touched_.clear();
  keys_.clear();
}

bool StoreEngine::contains(std::string_view key) const {
  return std::find(keys_.begin(), keys_.end(), key) != keys_.end();
}

}  // namespace soastore::detail
