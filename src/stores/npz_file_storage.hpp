#pragma once
// NumpyStore's values on disk: key K of rank R is the npz archive "{prefix}_{K}.tmp.rank-{R}.npz"
// (the reference's name). Each rank writes and reads only its own file: nothing is collective.

#include <filesystem>

#include "soastore/io_mode.hpp"
#include "soastore/store.hpp"
#include "stores/file_accounting.hpp"
#include "stores/staged_storage.hpp"

namespace soastore::stores {

class NpzFileStorage final : public StagedStorage {
 public:
  // Archives are written and read with `io` (npz::SaveOptions::io, LoadOptions::io).
  NpzFileStorage(std::filesystem::path prefix, int rank, IoMode io = IoMode::Buffered);

  [[nodiscard]] bool collective() const noexcept override { return false; }
  // Writes "{file}.partial" and renames it into place, so a failed write keeps the previous value
  // and leaves no stray file.
  void write(const std::string& key, const SoA& soa) override;
  // Reads only the asked members' bytes.
  SoA read(const std::string& key, const std::vector<std::string>* fields) override;
  // Opens the archive (reads its directory only); members are read when asked for.
  LazySoA open(const std::string& key, const npz::LoadOptions& options) override;
  void erase(const std::string& key) override;
  void discard(const std::string& key) noexcept override;

  // For background writes: the serial part is all of write(key, soa) (save to ".partial", rename),
  // and of erase(key) (a missing file is fine: a failed background write may have left none).
  [[nodiscard]] Work stage_write(const std::string& key, const SoA& soa) override;
  [[nodiscard]] Work stage_erase(const std::string& key) override;

  [[nodiscard]] std::filesystem::path file_of(const std::string& key) const;
  void add_stats(StoreStats& stats) const override { accounting_.add_to(stats); }

 private:
  // Saves "{file}.partial" and renames it into place (the whole of a write, on any thread).
  void write_file(const std::string& key, const SoA& soa, TransferCounters& transfers) const;

  std::filesystem::path prefix_;
  int rank_;
  IoMode io_;
  FileAccounting accounting_;
};

}  // namespace soastore::stores
