#include "soastore/detail/store_base.hpp"

#include "stores/store_engine.hpp"

namespace soastore::detail {

StoreBase::StoreBase(std::unique_ptr<StoreEngine> engine) : engine_(std::move(engine)) {}
StoreBase::~StoreBase() = default;
StoreBase::StoreBase(StoreBase&&) noexcept = default;
StoreBase& StoreBase::operator=(StoreBase&&) noexcept = default;

void StoreBase::set(std::string_view key, const SoA& soa) { engine_->set(key, soa); }
SoA StoreBase::get(std::string_view key) { return engine_->read(key, nullptr); }

SoA StoreBase::get_field(std::string_view key, std::string_view field) {
  const std::vector<std::string> fields{std::string(field)};
  return engine_->read(key, &fields);
}

SoA StoreBase::get_field(std::string_view key, const std::vector<std::string>& fields) {
  return engine_->read(key, &fields);
}

SoA StoreBase::get_field(std::string_view key, std::initializer_list<std::string_view> fields) {
  return get_field(key, std::vector<std::string>(fields.begin(), fields.end()));
}

SoA StoreBase::pop(std::string_view key) {
  SoA value = get(key);
  remove(key);
  return value;
}

void StoreBase::remove(std::string_view key) { engine_->remove(key); }
void StoreBase::close() noexcept {
  if (engine_) engine_->close();  // a moved-from store has nothing to close
}
bool StoreBase::contains(std::string_view key) const { return engine_->contains(key); }
std::vector<std::string> StoreBase::keys() const { return engine_->keys(); }
std::size_t StoreBase::size() const { return engine_->keys().size(); }
const std::optional<std::filesystem::path>& StoreBase::temporary_path() const noexcept {
  return engine_->temporary_path();
}

}  // namespace soastore::detail
