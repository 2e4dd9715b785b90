#pragma once
// The operations GenericIOStore and NumpyStore share. Each store is this interface over a
// StoreEngine built for its format (see src/stores); users include the store headers, not this.

#include <cstddef>
#include <filesystem>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "soastore/soa.hpp"

namespace soastore {

// How a store treats the files it creates.
struct StoreOptions {
  // By default a store deletes every file it created when it is destroyed or closed; true leaves
  // them on disk (to inspect them, or to read them with the GenericIO/npz functions later).
  bool keep_files = false;
};

}  // namespace soastore

namespace soastore::detail {

class StoreEngine;

class StoreBase {
 public:
  // Stores `soa` under `key`, replacing any previous value. The store keeps handles to the
  // arrays' buffers in memory mode (no copy): changing the arrays afterwards changes what is
  // stored, as with the reference's dict of numpy arrays.
  void set(std::string_view key, const SoA& soa);
  // The SoA stored under `key`; KeyNotFound when there is none.
  [[nodiscard]] SoA get(std::string_view key);
  // Only the named arrays of `key` (on disk only their bytes are read); KeyNotFound names a
  // missing key or field.
  [[nodiscard]] SoA get_field(std::string_view key, std::string_view field);
  [[nodiscard]] SoA get_field(std::string_view key, const std::vector<std::string>& fields);
  [[nodiscard]] SoA get_field(std::string_view key, std::initializer_list<std::string_view> fields);
  // get() followed by remove().
  [[nodiscard]] SoA pop(std::string_view key);
  // Deletes the value of `key` (and its files); KeyNotFound when there is none.
  void remove(std::string_view key);

  [[nodiscard]] bool contains(std::string_view key) const;
  // Keys in the order they were first set.
  [[nodiscard]] std::vector<std::string> keys() const;
  [[nodiscard]] std::size_t size() const;
  // Deletes the store's files (unless constructed with keep_files) and forgets every key; the
  // store stays usable. The destructor does the same. Never throws, never waits for other ranks.
  void close() noexcept;
  // Where files go; nothing in memory mode.
  [[nodiscard]] const std::optional<std::filesystem::path>& temporary_path() const noexcept;

  StoreBase(StoreBase&&) noexcept;
  StoreBase& operator=(StoreBase&&) noexcept;
  StoreBase(const StoreBase&) = delete;
  StoreBase& operator=(const StoreBase&) = delete;

 protected:
  explicit StoreBase(std::unique_ptr<StoreEngine> engine);
  ~StoreBase();
  [[nodiscard]] StoreEngine& engine() noexcept { return *engine_; }

 private:
  std::unique_ptr<StoreEngine> engine_;
};

}  // namespace soastore::detail
