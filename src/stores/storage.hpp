#pragma once
// Where the values of a store live: in memory or in files of one format. A StoreEngine keeps the
// keys and the rules common to every store and asks a Storage to move the data.

#include <string>
#include <vector>

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
  // Forgets `key` and deletes whatever holds its value.
  virtual void erase(const std::string& key) = 0;
};

}  // namespace soastore::stores
