#pragma once
// The part of every store that does not depend on where values live: key rules, the set of keys
// in insertion order, and errors that name the store and key.

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "soastore/partition.hpp"
#include "stores/storage.hpp"

namespace soastore::detail {

class StoreEngine {
 public:
  // `name` appears in messages ("GenericIOStore at /scratch/tmp").
  // Holding `partition` keeps its communicator alive for as long as the storage uses it.
  StoreEngine(std::string name, Partition partition, std::optional<std::filesystem::path> temporary_path,
              std::unique_ptr<stores::Storage> storage);

  void set(std::string_view key, const SoA& soa);
  SoA read(std::string_view key, const std::vector<std::string>* fields);
  void remove(std::string_view key);
  [[nodiscard]] bool contains(std::string_view key) const;
  [[nodiscard]] const std::vector<std::string>& keys() const noexcept { return keys_; }
  [[nodiscard]] const std::optional<std::filesystem::path>& temporary_path() const noexcept { return path_; }

 private:
  // The position of `key` in keys_; KeyNotFound naming key and store when missing.
  std::vector<std::string>::iterator require(std::string_view key);

  std::string name_;
  Partition partition_;
  std::optional<std::filesystem::path> path_;
  std::unique_ptr<stores::Storage> storage_;
  std::vector<std::string> keys_;
};

}  // namespace soastore::detail
