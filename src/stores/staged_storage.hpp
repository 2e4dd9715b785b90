#pragma once
// A file storage whose writes and erases split into a part for the caller's thread and a serial
// part that may run on another thread: what BackgroundStorage (stores/background_storage.hpp)
// needs of the storage it wraps.

#include <functional>
#include <string>

#include "soastore/store.hpp"

namespace soastore::stores {

class StagedStorage : public Storage {
 public:
  // The rest of an operation: no MPI call, touches nothing of the storage but what never
  // changes after construction, so any thread may run it. It holds what it needs (the arrays).
  using Work = std::function<void()>;

  // Caller's thread: all of a write that needs the other ranks (checks, the agreement on rows
  // and offsets, the layout); throws as write() would, before any file is touched. Returns the
  // serial part, which writes this rank's share of the value (to a ".partial" file for a
  // collective storage, which publish() renames; a per-rank storage renames it itself).
  [[nodiscard]] virtual Work stage_write(const std::string& key, const SoA& soa) = 0;
  // Collective storages, after every rank's serial part of the write of `key` succeeded (as the
  // ranks agreed): makes the file visible under its final name. Local: no MPI call.
  virtual void publish(const std::string& /*key*/) {}
  // Collective storages, after the write of `key` failed on some rank (every rank is past its
  // part): deletes what the write left. The previous value, if any, stays. Local, no MPI call.
  virtual void abandon(const std::string& /*key*/) noexcept {}
  // The serial part of erase(key): deletes the key's file (if there is one; a key whose write
  // failed may have none) with no MPI call. The caller has agreed with the other ranks already.
  [[nodiscard]] virtual Work stage_erase(const std::string& key) = 0;
};

}  // namespace soastore::stores
