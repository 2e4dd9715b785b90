#pragma once
// Where the values of a store live: in memory or in files of one format. A StoreEngine keeps the
// keys and the rules common to every store and asks a Storage to move the data.

#include <string>
#include <vector>

#include "soastore/lazy_soa.hpp"
#include "soastore/npz.hpp"
#include "soastore/soa.hpp"

namespace soastore::stores {

class Storage {
 public:
  virtual ~Storage() = default;
  // Validates and stores `soa` under `key`, replacing any earlier value. A collective storage
  // agrees on success with all ranks, so either every rank stored it or every rank throws.
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
};

}  // namespace soastore::stores
