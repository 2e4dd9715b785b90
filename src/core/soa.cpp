#include "soastore/soa.hpp"

#include <algorithm>

namespace soastore {

SoA::SoA(std::initializer_list<value_type> columns) {
  for (const auto& [name, array] : columns) insert(name, array);
}

const SoA::value_type* SoA::find(std::string_view name) const noexcept {
  auto it = std::find_if(columns_.begin(), columns_.end(), [&](const value_type& c) { return c.first == name; });
  return it == columns_.end() ? nullptr : &*it;
}

Array& SoA::operator[](std::string_view name) {
  if (const value_type* column = find(name)) return const_cast<Array&>(column->second);
  return columns_.emplace_back(std::string(name), Array()).second;
}

Array& SoA::at(std::string_view name) { return const_cast<Array&>(std::as_const(*this).at(name)); }

const Array& SoA::at(std::string_view name) const {
  if (const value_type* column = find(name)) return column->second;
  throw KeyNotFound("field '" + std::string(name) + "' not found (fields: " + [&] {
    std::string list;
    for (const auto& [n, a] : columns_) list += (list.empty() ? "" : ", ") + n;
    return list;
  }() + ")");
}

bool SoA::contains(std::string_view name) const noexcept { return find(name) != nullptr; }

void SoA::insert(std::string_view name, Array array) { (*this)[name] = std::move(array); }

bool SoA::erase(std::string_view name) {
  auto it = std::find_if(columns_.begin(), columns_.end(), [&](const value_type& c) { return c.first == name; });
  if (it == columns_.end()) return false;
  columns_.erase(it);
  return true;
}

std::vector<std::string> SoA::names() const {
  std::vector<std::string> result;
  result.reserve(columns_.size());
  for (const auto& [name, array] : columns_) result.push_back(name);
  return result;
}

std::size_t SoA::nbytes() const noexcept {
  std::size_t total = 0;
  for (const auto& [name, array] : columns_) total += array.nbytes();
  return total;
}

}  // namespace soastore
