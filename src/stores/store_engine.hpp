#pragma once
// The part of every store that does not depend on where values live: key rules, the keys in
// insertion order, errors that name the store, key and rank, and deleting the store's files when
// it goes away. It hands the data to a Storage (soastore/store.hpp).

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "soastore/options.hpp"
#include "soastore/partition.hpp"
#include "soastore/store.hpp"

namespace soastore::stores {

class StoreEngine {
 public:
  // `name` appears in messages ("GenericIOStore at /scratch/tmp").
  // Holding `partition` keeps its communicator alive for as long as the storage uses it.
  StoreEngine(std::string name, Partition partition, std::optional<std::filesystem::path> temporary_path,
              std::unique_ptr<Storage> storage, StoreSettings settings);
  // close(): never throws and never calls MPI collectives, so a store may go out of scope while
  // an exception unwinds one rank only, or after MPI_Finalize.
  ~StoreEngine();
  StoreEngine(const StoreEngine&) = delete;
  StoreEngine& operator=(const StoreEngine&) = delete;

  void set(std::string_view key, const SoA& soa);
  SoA read(std::string_view key, const std::vector<std::string>* fields);
  LazySoA open(std::string_view key, const npz::LoadOptions& options);
  void remove(std::string_view key);
  void flush();
  // Deletes every file the store created (unless settings.keep_files) and forgets all keys.
  void close() noexcept;
  [[nodiscard]] bool contains(std::string_view key) const;
  [[nodiscard]] std::vector<std::string> keys() const;
  [[nodiscard]] std::size_t size() const;
  [[nodiscard]] const std::optional<std::filesystem::path>& temporary_path() const noexcept { return path_; }
  [[nodiscard]] const StoreSettings& settings() const noexcept { return settings_; }
  [[nodiscard]] StoreStats stats() const {
    StoreStats stats;
    storage_->add_stats(stats);
    return stats;
  }

 private:
  // Every key a write was attempted for, in the order first tried: `stored` says whether it
  // holds a value. A key whose write failed stays (not stored), because a failed or interrupted
  // write may leave files behind that close() must delete.
  struct KeyRecord {
    std::string key;
    bool stored = false;
  };

  [[nodiscard]] const KeyRecord* find(std::string_view key) const;
  KeyRecord* find(std::string_view key);
  // The record of a stored `key`; KeyNotFound naming key and store otherwise.
  KeyRecord& require(std::string_view key);
  // Runs a storage operation on `key`; an Error it throws is rethrown as the same class with the
  // same details, its message prefixed by store, operation, key and this rank.
  template <class Operation>
  auto naming_key(const char* operation, std::string_view key, Operation&& run);

  std::string name_;
  Partition partition_;
  std::optional<std::filesystem::path> path_;
  std::unique_ptr<Storage> storage_;
  StoreSettings settings_;
  std::vector<KeyRecord> keys_;
};

}  // namespace soastore::stores
