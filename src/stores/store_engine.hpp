#pragma once
// The part of every store that does not depend on where values live: key rules, the set of keys
// in insertion order, errors that name the store, key and rank, and deleting the store's files
// when it goes away.

#include <filesystem>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "soastore/detail/store_base.hpp"
#include "soastore/partition.hpp"
#include "stores/storage.hpp"

namespace soastore::detail {

class StoreEngine {
 public:
  // `name` appears in messages ("GenericIOStore at /scratch/tmp").
  // Holding `partition` keeps its communicator alive for as long as the storage uses it.
  StoreEngine(std::string name, Partition partition, std::optional<std::filesystem::path> temporary_path,
              std::unique_ptr<stores::Storage> storage, StoreOptions options = {});
  // close(): never throws and never calls MPI collectives, so a store may go out of scope while
  // an exception unwinds one rank only, or after MPI_Finalize.
  ~StoreEngine();
  StoreEngine(const StoreEngine&) = delete;
  StoreEngine& operator=(const StoreEngine&) = delete;

  void set(std::string_view key, const SoA& soa);
  SoA read(std::string_view key, const std::vector<std::string>* fields);
  LazySoA open(std::string_view key, const npz::LoadOptions& options);
  void remove(std::string_view key);
  // Deletes every file the store created (unless options.keep_files) and forgets all keys.
  void close() noexcept;
  [[nodiscard]] bool contains(std::string_view key) const;
  [[nodiscard]] const std::vector<std::string>& keys() const noexcept { return keys_; }
  [[nodiscard]] const std::optional<std::filesystem::path>& temporary_path() const noexcept { return path_; }

 private:
  // The position of `key` in keys_; KeyNotFound naming key and store when missing.
  std::vector<std::string>::iterator require(std::string_view key);
  // Runs a storage operation on `key`; an Error it throws is rethrown as the same class with the
  // same errno, path and rank, its message prefixed by store, operation, key and this rank.
  template <class Operation>
  auto naming_key(const char* operation, std::string_view key, Operation&& run);

  std::string name_;
  Partition partition_;
  std::optional<std::filesystem::path> path_;
  std::unique_ptr<stores::Storage> storage_;
  StoreOptions options_;
  std::vector<std::string> keys_;
  // Every key a write was attempted for: a failed or interrupted write may leave files behind.
  std::set<std::string, std::less<>> touched_;
};

}  // namespace soastore::detail
