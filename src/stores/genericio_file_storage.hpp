#pragma once
// GenericIOStore's values on disk: one GenericIO file per key, "{prefix}_{key}.tmp.gio" as the
// reference names them, written and read collectively over the partition's communicator.
//
// After a write the storage keeps, per key, the part of the file's layout this rank needs to read
// its own blocks (genericio::own_part: O(variables) bytes, where the header is O(ranks)), and
// reads come straight from there: no header read, one collective round (the error agreement),
// and the file stays open in a bounded cache (OpenDatasets) across get_field calls. A key without
// a kept layout (a background write whose rename failed) is read as any file (genericio::read).
// The kept layouts and the cache change alike on every rank (at agreed outcomes only), so all
// ranks take the same path and make the same collective calls.

#include <filesystem>
#include <map>
#include <string>

#include "soastore/genericio.hpp"
#include "soastore/io_mode.hpp"
#include "soastore/partition.hpp"
#include "soastore/store.hpp"
#include "genericio/header.hpp"
#include "stores/file_accounting.hpp"
#include "stores/open_datasets.hpp"
#include "stores/staged_storage.hpp"

namespace soastore::stores {

class GenericIOFileStorage final : public StagedStorage {
 public:
  // Files get physical origin (0,0,0) and scale box_size in every dimension.
  // Files are written and read with `io` (genericio::WriteOptions::io, ReadOptions::io).
  GenericIOFileStorage(Partition partition, double box_size, std::filesystem::path prefix,
                       IoMode io = IoMode::Buffered);

  [[nodiscard]] bool collective() const noexcept override { return true; }
  // Validates on every rank first, writes "{file}.partial" and renames it into place only when
  // every rank succeeded: a failed set leaves the previous value (and no stray file) behind.
  void write(const std::string& key, const SoA& soa) override;
  // Reads with the same rank count (and grid) as written; only the bytes of `fields` when given,
  // at the offsets the write left, without the header.
  SoA read(const std::string& key, const std::vector<std::string>* fields) override;
  // Deletes the file once every rank is done with it.
  void erase(const std::string& key) override;
  void discard(const std::string& key) noexcept override;

  // For background writes: plans collectively, and the serial part writes this rank's share of
  // "{file}.partial"; rank 0 renames it (publish) or deletes it (abandon) once the ranks agreed.
  [[nodiscard]] Work stage_write(const std::string& key, const SoA& soa) override;
  void publish(const std::string& key) override;
  void abandon(const std::string& key) noexcept override;
  // Rank 0 deletes the file; the other ranks have nothing to do.
  [[nodiscard]] Work stage_erase(const std::string& key) override;
  // Closes the cached files.
  void quiesce(bool cancel) noexcept override;

  [[nodiscard]] std::filesystem::path file_of(const std::string& key) const;
  void add_stats(StoreStats& stats) const override { accounting_.add_to(stats); }

 private:
  Partition partition_;  // keeps the Cartesian communicator alive
  double box_size_;
  std::filesystem::path prefix_;
  IoMode io_;
  FileAccounting accounting_;
  std::map<std::string, genericio::Header, std::less<>> own_parts_;  // of the files in place
  std::map<std::string, genericio::Header, std::less<>> staged_own_parts_;  // of the ".partial"s
  OpenDatasets open_files_;

  [[nodiscard]] genericio::WriteOptions write_options() const;
  // The file of `key` now holds what `own_part` describes (a rename replaced its inode).
  void keep_own_part(const std::string& key, genericio::Header own_part);
  // What the file of `key` holds is unknown or gone.
  void forget_own_part(const std::string& key) noexcept;
};

}  // namespace soastore::stores
