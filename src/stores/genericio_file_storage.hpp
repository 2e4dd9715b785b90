#pragma once
// GenericIOStore's values on disk: one GenericIO file per key, "{prefix}_{key}.tmp.gio" as the
// reference names them, written and read collectively over the partition's communicator. With
// file_groups other than "all", a split file as the reference writes one: the rank map under
// that name and one sub-file "{name}#G" per group of ranks, written by that group alone.
//
// After a write the storage keeps, per key, the part of the file's layout this rank needs to read
// its own blocks (genericio own_part_at: O(variables) bytes, where the header is O(ranks)), and
// reads come straight from there: no header read, one collective round (the error agreement),
// and the file stays open in a bounded cache (OpenDatasets) across get_field calls. A key without
// a kept layout (a background write whose rename failed) is read as any file (genericio::read).
// The kept layouts and the cache change alike on every rank (at agreed outcomes only), so all
// ranks take the same path and make the same collective calls.
//
// A set is two collective rounds: the plan's exchange and the agreement on the write's outcome.
// It writes the file under its final name; a value it replaces is first renamed to
// "{file}.previous" by the file's rank 0, before the plan's round (so no rank can open the old
// file after it: they open the file only once that round is over). If the write fails the new
// file is removed and the old one renamed back; if it succeeds the old one is removed. (Writing
// a ".partial" and renaming it into place afterwards would need a third round, to agree that the
// rename, which only rank 0 does, worked.)

#include <filesystem>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "genericio/header.hpp"
#include "genericio/rank_map.hpp"
#include "mpi/file_groups.hpp"
#include "soastore/genericio.hpp"
#include "soastore/io_mode.hpp"
#include "soastore/partition.hpp"
#include "soastore/store.hpp"
#include "stores/file_accounting.hpp"
#include "stores/open_datasets.hpp"
#include "stores/staged_storage.hpp"

namespace soastore::stores {

class GenericIOFileStorage final : public StagedStorage {
 public:
  // Files get physical origin (0,0,0) and scale box_size in every dimension.
  // Files are written and read with `io` (genericio::WriteOptions::io, ReadOptions::io).
  // Collective over the partition: `group` (made over the partition's communicator) says which
  // ranks share a file.
  GenericIOFileStorage(Partition partition, double box_size, std::filesystem::path prefix, IoMode io,
                       mpi::FileGroup group);

  [[nodiscard]] bool collective() const noexcept override { return true; }
  // Validates on every rank first and writes the file only when every rank can; a failed set
  // leaves the previous value (and no stray file) behind.
  void write(const std::string& key, const SoA& soa) override;
  // Reads with the same rank count (and grid) as written; only the bytes of `fields` when given,
  // at the offsets the write left, without the header.
  SoA read(const std::string& key, const std::vector<std::string>* fields) override;
  // Deletes the file once every rank is done with it.
  void erase(const std::string& key) override;
  void discard(const std::string& key) noexcept override;

  // For background writes: plans collectively, and the serial part writes this rank's share of
  // "{file}.partial"; the file's rank 0 renames it (publish) or deletes it (abandon) once the
  // ranks agreed.
  [[nodiscard]] Work stage_write(const std::string& key, const SoA& soa) override;
  void publish(const std::string& key) override;
  void abandon(const std::string& key) noexcept override;
  // The file's rank 0 deletes the file; the other ranks have nothing to do.
  [[nodiscard]] Work stage_erase(const std::string& key) override;
  // Closes the cached files.
  void quiesce(bool cancel) noexcept override;

  // The file (or, for a split file, the rank map) that GenericIO readers open.
  [[nodiscard]] std::filesystem::path file_of(const std::string& key) const;
  // The file holding this rank's blocks: file_of, or this rank's group's sub-file.
  [[nodiscard]] std::filesystem::path own_file_of(const std::string& key) const;
  void add_stats(StoreStats& stats) const override { accounting_.add_to(stats); }

 private:
  Partition partition_;  // keeps the Cartesian communicator alive
  double box_size_;
  std::filesystem::path prefix_;
  IoMode io_;
  mpi::FileGroup group_;
  // On rank 0 of a split store: each rank's group and grid coordinates, the rank map's rows.
  std::optional<genericio::RankMap> rank_map_;
  FileAccounting accounting_;
  std::map<std::string, genericio::Header, std::less<>> own_parts_;  // of the files in place
  std::map<std::string, genericio::Header, std::less<>> staged_own_parts_;  // of the ".partial"s
  std::set<std::string, std::less<>> staged_new_keys_;  // staged keys that had no file before
  OpenDatasets open_files_;

  [[nodiscard]] bool split() const noexcept { return !group_.whole(); }
  [[nodiscard]] bool file_root() const noexcept { return group_.rank() == 0; }
  [[nodiscard]] bool map_root() const noexcept { return rank_map_.has_value(); }
  [[nodiscard]] genericio::WriteOptions write_options() const;
  // Rank 0 of a split store writes the rank map of `key` (the same bytes for every key).
  void write_rank_map(const std::string& key) const;
  // How far a write got on this rank.
  struct WriteProgress {
    bool set_aside = false;  // the file's rank 0 renamed the old file to ".previous"
    bool planned = false;    // the ranks agreed on the plan: files may have been written
  };
  // Undoes a failed write of `key`: removes what it left and renames the value it replaced back.
  // Never throws (the write's error is the one to report).
  void restore_after_failed_write(const std::string& key, const WriteProgress& progress,
                                  bool new_key) const noexcept;
  // The file of `key` now holds what `own_part` describes (a rename replaced its inode).
  void keep_own_part(const std::string& key, genericio::Header own_part);
  // What the file of `key` holds is unknown or gone.
  void forget_own_part(const std::string& key) noexcept;
};

}  // namespace soastore::stores
