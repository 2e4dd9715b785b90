#pragma once
// The store interface: what GenericIOStore and NumpyStore share (Store), and where their values
// live (stores::Storage), the extension point for new kinds of storage.
//
// A store is a Store over an engine (src/stores/store_engine) that keeps the keys, applies the
// key rules, names key, store and rank in errors and cleans up; the engine asks a Storage to
// move the data. GenericIOStore and NumpyStore pick a Storage for their format (in memory, a
// GenericIO file per key, an npz file per rank and key); a new kind (a spilling or background
// wrapper, another format) is a new Storage, and the engine and both stores stay as they are.

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "soastore/lazy_soa.hpp"
#include "soastore/npz.hpp"
#include "soastore/options.hpp"
#include "soastore/soa.hpp"

namespace soastore {

// What a store holds and has moved, on this rank. Each field is declared once, in
// SOASTORE_STORE_STATS, from which come the struct, Store::stats() in Python (a dict) and the
// list in docs/budget.md. X(Type, name, Description)
#define SOASTORE_STORE_STATS(X)                                                                         \
  X(std::uint64_t, bytes_in_memory, "Bytes of the values held in memory (the caller's arrays, not copied), including " \
                     "values being written in the background.")                                          \
  X(std::uint64_t, keys_in_memory, "Keys whose value is held in memory.")                                               \
  X(std::uint64_t, bytes_on_disk, "Bytes of this rank's share of the values in files (array bytes, not file sizes).")  \
  X(std::uint64_t, keys_on_disk, "Keys whose value is in a file (or being written to one).")                            \
  X(std::uint64_t, peak_bytes_in_memory, "The most bytes_in_memory has been since the store was made.")                 \
  X(std::uint64_t, spills, "Values that memory_budget moved from memory to disk (successful spills).")                 \
  X(std::uint64_t, spill_failures, "Spills that failed (a full disk, ...): the value stayed in memory.")                \
  X(std::uint64_t, disk_reads, "get, get_field, pop and lazy opens served from a file.")                                \
  X(std::uint64_t, bytes_written, "Bytes of array data this rank wrote to files.")                                      \
  X(std::uint64_t, bytes_read, "Bytes of array data this rank read from files.")                                        \
  X(double, seconds_writing, "Seconds spent writing files (on the background thread too).")                     \
  X(double, seconds_reading, "Seconds spent reading files.")

struct StoreStats {
#define SOASTORE_STATS_FIELD(Type, name, Description) Type name = 0;
  SOASTORE_STORE_STATS(SOASTORE_STATS_FIELD)
#undef SOASTORE_STATS_FIELD
};

namespace stores {

class StoreEngine;

// Where the values of a store live. Keys reach a Storage after the engine checked them (the key
// rules, and that a read or erase names a stored key); errors it throws reach the caller with
// the store, operation, key and rank prefixed, and their class and details kept.
class Storage {
 public:
  virtual ~Storage() = default;

  // Whether every operation is collective over the partition's ranks: all ranks call it with the
  // same key, and it either succeeds on every rank or throws the same error class on every rank
  // (GenericIO files, and GenericIOStore in memory, which agrees on validation so that the ranks
  // never disagree on which keys exist). A storage that is not collective runs on each rank alone.
  [[nodiscard]] virtual bool collective() const noexcept = 0;
  // Validates and stores `soa` under `key`, replacing any earlier value; a failure keeps the
  // earlier value.
  virtual void write(const std::string& key, const SoA& soa) = 0;
  // The value of `key`; only `fields` (in that order) when given. KeyNotFound names a missing field.
  virtual SoA read(const std::string& key, const std::vector<std::string>* fields) = 0;
  // The value of `key` for reading one array at a time. By default the whole value, read now;
  // a storage that can read members on demand (npz files) returns a lazy value instead.
  virtual LazySoA open(const std::string& key, const npz::LoadOptions& /*options*/) {
    return LazySoA(read(key, nullptr));
  }
  // Forgets `key` and deletes whatever holds its value.
  virtual void erase(const std::string& key) = 0;
  // Deletes whatever this rank may have created for `key` (its value and a leftover ".partial"),
  // for a store that is going away: no collectives (MPI may be finalised by now, and ranks may be
  // unwinding from different places) and no exceptions (it runs in destructors). Safe without a
  // barrier because every collective operation returns on any rank only after all ranks have
  // finished their file accesses.
  virtual void discard(const std::string& key) noexcept = 0;
  // Finishes whatever the storage still does in the background and reports its failures
  // (collectively for a collective storage). Nothing to do for a storage that works synchronously.
  virtual void flush() {}
  // Stops background work before the store closes: waits for what runs, and skips the writes
  // that have not started when `cancel` (removes still run: their keys are gone from the store,
  // so nothing else would delete their files). No collectives, no exceptions (it runs in
  // destructors); failures not yet reported are written to stderr.
  virtual void quiesce(bool /*cancel*/) noexcept {}
  // Adds what this storage holds and has moved to `stats` (a wrapper adds its inner storage's).
  virtual void add_stats(StoreStats& stats) const = 0;
};

}  // namespace stores

class Store {
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
  // With the background option: waits until every queued write and remove is done and raises
  // the first failure among them (collective for GenericIOStore: every rank calls it, and every
  // rank raises the same error). Returns at once otherwise.
  void flush();
  // Deletes the store's files (unless its settings keep them) and forgets every key; the store
  // stays usable. The destructor does the same. Never throws, never waits for other ranks.
  // With the background option it first waits for the write running now (queued ones are skipped
  // unless keep_files, and a GenericIOStore write not yet agreed on stays a ".partial"); call
  // flush() first to see failures, which close() can only print to stderr.
  void close() noexcept;
  // Where files go; nothing in memory mode.
  [[nodiscard]] const std::optional<std::filesystem::path>& temporary_path() const noexcept;
  // The options the store runs with (as given, else from the environment, else the defaults).
  [[nodiscard]] const StoreSettings& settings() const noexcept;
  // What the store holds and has moved on this rank (no collective call).
  [[nodiscard]] StoreStats stats() const;

  Store(Store&&) noexcept;
  Store& operator=(Store&&) noexcept;
  Store(const Store&) = delete;
  Store& operator=(const Store&) = delete;

 protected:
  explicit Store(std::unique_ptr<stores::StoreEngine> engine);
  ~Store();
  [[nodiscard]] stores::StoreEngine& engine() noexcept { return *engine_; }

 private:
  std::unique_ptr<stores::StoreEngine> engine_;
};

}  // namespace soastore
