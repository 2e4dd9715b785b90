#include "soastore/store.hpp"

#include "stores/store_engine.hpp"

namespace soastore {

Store::Store(std::unique_ptr<stores::StoreEngine> engine) : engine_(std::move(engine)) {}
Store::~Store() = default;
Store::Store(Store&&) noexcept = default;
Store& Store::operator=(Store&&) noexcept = default;

void Store::set(std::string_view key, const SoA& soa) { engine_->set(key, soa); }
SoA Store::get(std::string_view key) { return engine_->read(key, nullptr); }

SoA Store::get_field(std::string_view key, std::string_view field) {
  const std::vector<std::string> fields{std::string(field)};
  return engine_->read(key, &fields);
}

SoA Store::get_field(std::string_view key, const std::vector<std::string>& fields) {
  return engine_->read(key, &fields);
}

SoA Store::get_field(std::string_view key, std::initializer_list<std::string_view> fields) {
  return get_field(key, std::vector<std::string>(fields.begin(), fields.end()));
}

SoA Store::pop(std::string_view key) {
  SoA value = get(key);
  remove(key);
  return value;
}

void Store::remove(std::string_view key) { engine_->remove(key); }
void Store::flush() { engine_->flush(); }
void Store::close() noexcept {
  if (engine_) engine_->close();  // a moved-from store has nothing to close
}
bool Store::contains(std::string_view key) const { return engine_->contains(key); }
std::vector<std::string> Store::keys() const { return engine_->keys(); }
std::size_t Store::size() const { return engine_->size(); }
const std::optional<std::filesystem::path>& Store::temporary_path() const noexcept { return engine_->temporary_path(); }
const StoreSettings& Store::settings() const noexcept { return engine_->settings(); }
StoreStats Store::stats() const { return engine_->stats(); }

}  // namespace soastore
