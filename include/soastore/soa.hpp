#pragma once
// soastore::SoA: a Structure-of-Arrays, named arrays in insertion order (as a Python dict).
// Holding an SoA holds handles to the arrays' bytes, not copies (see array.hpp).

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "soastore/array.hpp"

namespace soastore {

class SoA {
 public:
  using value_type = std::pair<std::string, Array>;
  using iterator = std::vector<value_type>::iterator;
  using const_iterator = std::vector<value_type>::const_iterator;

  SoA() = default;
  SoA(std::initializer_list<value_type> columns);

  // The array named `name`, inserted as an empty array at the end when missing.
  Array& operator[](std::string_view name);
  // The array named `name`; KeyNotFound naming the field when missing.
  [[nodiscard]] Array& at(std::string_view name);
  [[nodiscard]] const Array& at(std::string_view name) const;
  [[nodiscard]] bool contains(std::string_view name) const noexcept;
  // Inserts or replaces (a replaced array keeps its position, as in a Python dict).
  void insert(std::string_view name, Array array);
  // Removes `name`; returns whether it was there.
  bool erase(std::string_view name);

  // Number of arrays.
  [[nodiscard]] std::size_t size() const noexcept { return columns_.size(); }
  [[nodiscard]] bool empty() const noexcept { return columns_.empty(); }
  [[nodiscard]] std::vector<std::string> names() const;
  // Bytes of all arrays together.
  [[nodiscard]] std::size_t nbytes() const noexcept;

  [[nodiscard]] iterator begin() noexcept { return columns_.begin(); }
  [[nodiscard]] iterator end() noexcept { return columns_.end(); }
  [[nodiscard]] const_iterator begin() const noexcept { return columns_.begin(); }
  [[nodiscard]] const_iterator end() const noexcept { return columns_.end(); }

 private:
  [[nodiscard]] const value_type* find(std::string_view name) const noexcept;

  std::vector<value_type> columns_;
};

}  // namespace soastore
