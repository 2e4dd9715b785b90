#pragma once
// soastore::LazySoA: one stored value whose arrays are read one at a time, when asked for.
//
// What NumpyStore::open returns, and what numpy.load gives the reference's NumpyStore (a lazy
// NpzFile): a loop over fields that reads `value.at(field)` pays for that array only. On disk
// the value holds its archive open, so it stays readable after the store removed or replaced
// the key (it reads the file it opened); in memory it holds the stored arrays themselves.

#include <cstddef>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "soastore/npz.hpp"
#include "soastore/soa.hpp"

namespace soastore {

class LazySoA {
 public:
  // A value held in memory: reads return the stored arrays (no copy).
  explicit LazySoA(SoA values);
  // A value in an npz archive: each read reads (or, with options.map, maps) one member only.
  LazySoA(npz::Archive archive, npz::LoadOptions options);

  // The array names, in the stored order.
  [[nodiscard]] const std::vector<std::string>& names() const noexcept { return names_; }
  [[nodiscard]] bool contains(std::string_view name) const noexcept;
  [[nodiscard]] std::size_t size() const noexcept { return names_.size(); }
  // The array `name`: KeyNotFound naming it when missing, CorruptFile when its bytes fail their
  // CRC; Error after close().
  [[nodiscard]] Array at(std::string_view name) const;
  // Every array, in order.
  [[nodiscard]] SoA read_all() const;
  // Lets go of the archive (its file descriptor) or the held arrays. Arrays already read stay valid.
  void close() noexcept;
  [[nodiscard]] bool is_open() const noexcept;

 private:
  std::vector<std::string> names_;
  std::variant<SoA, npz::Archive> source_;
  npz::LoadOptions options_;
  bool open_ = true;
};

}  // namespace soastore
