#pragma once
// NumpyStore's values on disk with file_groups all, node or N: one npz archive per key and file
// group, "{prefix}_{K}.tmp.group-{G}.npz", whose members are "rank-{R:06}/NAME.npy" (R the
// rank in the store), written collectively by the group's ranks (npz/group_archive.hpp for the
// layout, mpi/npz_group_write.hpp for the exchange). Every operation is collective over the
// store's ranks and agrees on its outcome, so that all ranks keep the same keys.
//
// A set is two rounds: (1) the scan and sums of the shares' extents over the group together with
// the agreement over the store that every rank can write; (2) the agreement on the write's
// outcome. Replacing a key keeps "a failed write loses nothing" without a third round (which
// writing a ".partial" and agreeing on its rename would take): the group's first rank renames
// the existing archive to "{file}.previous" before round 1 (the other ranks open the file only
// after that round, so none writes into the old inode), every rank writes the final name, and
// after round 2 the first rank deletes ".previous" (success) or deletes the new file and renames
// ".previous" back (failure anywhere). Background writes (StagedStorage) write a ".partial",
// which publish renames into place, as GenericIOFileStorage does.
//
// Reads: each rank reads only its own members, from the layout its write left (offsets, sizes,
// CRCs), never the central directory, which holds every rank's entries (O(P) with "all"). A key
// whose layout is not known (after a background write whose rename failed) is read from the
// central directory, this rank's entries picked out. Reads agree on their outcome (one round).

#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>

#include "mpi/file_groups.hpp"
#include "npz/zip_directory.hpp"
#include "soastore/io_mode.hpp"
#include "soastore/partition.hpp"
#include "soastore/store.hpp"
#include "stores/file_accounting.hpp"
#include "stores/staged_storage.hpp"

namespace soastore::stores {

class NpzGroupStorage final : public StagedStorage {
 public:
  NpzGroupStorage(Partition partition, mpi::FileGroup group, std::filesystem::path prefix,
                  IoMode io = IoMode::Buffered);

  [[nodiscard]] bool collective() const noexcept override { return true; }
  void write(const std::string& key, const SoA& soa) override;
  // This rank's arrays (only `fields` when given), with their plain names.
  SoA read(const std::string& key, const std::vector<std::string>* fields) override;
  // Opens the archive for this rank's members (no directory read when the layout is known).
  LazySoA open(const std::string& key, const npz::LoadOptions& options) override;
  // The group's first rank deletes the archive, once every rank is done with it (one round).
  void erase(const std::string& key) override;
  void discard(const std::string& key) noexcept override;

  // Background writes: round 1 on the caller's thread; the serial part writes this rank's share of
  // "{file}.partial", which the group's first rank renames (publish) or deletes (abandon).
  [[nodiscard]] Work stage_write(const std::string& key, const SoA& soa) override;
  void publish(const std::string& key) override;
  void abandon(const std::string& key) noexcept override;
  [[nodiscard]] Work stage_erase(const std::string& key) override;

  [[nodiscard]] std::filesystem::path file_of(const std::string& key) const;
  void add_stats(StoreStats& stats) const override { accounting_.add_to(stats); }

 private:
  [[nodiscard]] bool first_of_group() const noexcept { return group_.rank() == 0; }
  // The archive of `key`, serving this rank's members by their plain names.
  [[nodiscard]] npz::Archive open_own_members(const std::string& key) const;

  Partition partition_;
  mpi::FileGroup group_;
  std::filesystem::path prefix_;
  IoMode io_;
  FileAccounting accounting_;
  std::map<std::string, npz::ZipDirectory, std::less<>> layouts_;  // this rank's members, of the archives in place
  // Of the ".partial"s being written in the background: filled by the writer thread's serial part,
  // read on the caller's thread only after the job is reported done (BackgroundStorage's mutex
  // orders the two).
  std::map<std::string, std::shared_ptr<npz::ZipDirectory>, std::less<>> staged_layouts_;
};

}  // namespace soastore::stores
