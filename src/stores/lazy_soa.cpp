#include "soastore/lazy_soa.hpp"

#include <algorithm>

namespace soastore {

LazySoA::LazySoA(SoA values) : names_(values.names()), source_(std::move(values)) {}

LazySoA::LazySoA(npz::Archive archive, npz::LoadOptions options)
    : names_(archive.names()), source_(std::move(archive)), options_(options) {}

bool LazySoA::contains(std::string_view name) const noexcept {
  return std::find(names_.begin(), names_.end(), name) != names_.end();
}

Array LazySoA::at(std::string_view name) const {
  if (const auto* archive = std::get_if<npz::Archive>(&source_)) return archive->read(name, options_);
  if (!open_) throw Error("the value holding '" + std::string(name) + "' was closed");
  return std::get<SoA>(source_).at(name);
}

SoA LazySoA::read_all() const {
  SoA values;
  for (const std::string& name : names_) values.insert(name, at(name));
  return values;
}

void LazySoA::close() noexcept {
  open_ = false;
  if (auto* archive = std::get_if<npz::Archive>(&source_)) {
    archive->close();
  } else {
    source_ = SoA{};
  }
}

bool LazySoA::is_open() const noexcept { return open_; }

}  // namespace soastore
