#include "stores/store_engine.hpp"

#include <algorithm>

#include "soastore/errors.hpp"
#include "stores/file_names.hpp"
#include "stores/key_rules.hpp"

namespace soastore::stores {

StoreEngine::StoreEngine(std::string name, Partition partition, std::optional<std::filesystem::path> temporary_path,
                         std::unique_ptr<Storage> storage, StoreSettings settings)
    : name_(std::move(name)),
      partition_(std::move(partition)),
      path_(std::move(temporary_path)),
      storage_(std::move(storage)),
      settings_(std::move(settings)) {}

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

const StoreEngine::KeyRecord* StoreEngine::find(std::string_view key) const {
  auto it = std::find_if(keys_.begin(), keys_.end(), [&](const KeyRecord& record) { return record.key == key; });
  return it == keys_.end() ? nullptr : &*it;
}

StoreEngine::KeyRecord* StoreEngine::find(std::string_view key) {
  return const_cast<KeyRecord*>(std::as_const(*this).find(key));
}

StoreEngine::KeyRecord& StoreEngine::require(std::string_view key) {
  KeyRecord* record = find(key);
  if (record == nullptr || !record->stored) throw KeyNotFound("key '" + std::string(key) + "' not found in " + name_);
  return *record;
}

void StoreEngine::set(std::string_view key, const SoA& soa) {
  check_key(key);
  if (path_) check_file_name_length(*path_, key);
  KeyRecord* record = find(key);
  if (record == nullptr) record = &keys_.emplace_back(KeyRecord{std::string(key), false});
  naming_key("set", key, [&] { storage_->write(record->key, soa); });
  if (!record->stored) {
    // A key counts from its first successful set, as in a dict: move it behind the stored ones.
    KeyRecord now_stored{std::move(record->key), true};
    keys_.erase(keys_.begin() + (record - keys_.data()));
    keys_.push_back(std::move(now_stored));
  }
}

SoA StoreEngine::read(std::string_view key, const std::vector<std::string>* fields) {
  const KeyRecord& record = require(key);
  return naming_key("get", key, [&] { return storage_->read(record.key, fields); });
}

LazySoA StoreEngine::open(std::string_view key, const npz::LoadOptions& options) {
  const KeyRecord& record = require(key);
  return naming_key("get", key, [&] { return storage_->open(record.key, options); });
}

void StoreEngine::remove(std::string_view key) {
  KeyRecord& record = require(key);
  naming_key("remove", key, [&] { storage_->erase(record.key); });
  keys_.erase(keys_.begin() + (&record - keys_.data()));
}

void StoreEngine::flush() {
  try {
    storage_->flush();
  } catch (const Error& e) {
    throw_with_context(e, name_ + ": flush failed on rank " + std::to_string(partition_.rank()) + ": ");
  }
}

void StoreEngine::close() noexcept {
  // Background work ends first: nothing may write a file while it is being deleted. Writes that
  // have not started are skipped unless the files are to be kept.
  storage_->quiesce(!path_ || !settings_.keep_files);
  // Memory mode drops its values either way; keep_files only concerns files.
  if (!path_ || !settings_.keep_files) {
    for (const KeyRecord& record : keys_) storage_->discard(record.key);
  }
  keys_.clear();
}

bool StoreEngine::contains(std::string_view key) const {
  const KeyRecord* record = find(key);
  return record != nullptr && record->stored;
}

std::vector<std::string> StoreEngine::keys() const {
  std::vector<std::string> stored;
  for (const KeyRecord& record : keys_) {
    if (record.stored) stored.push_back(record.key);
  }
  return stored;
}

std::size_t StoreEngine::size() const {
  return static_cast<std::size_t>(std::count_if(keys_.begin(), keys_.end(), [](const KeyRecord& r) { return r.stored; }));
}

}  // namespace soastore::stores
