#include "stores/npz_group_storage.hpp"

#include "io/file.hpp"
#include "mpi/collective.hpp"
#include "mpi/npz_group_write.hpp"
#include "npz/archive_of.hpp"
#include "npz/group_archive.hpp"
#include "stores/file_names.hpp"

namespace soastore::stores {

NpzGroupStorage::NpzGroupStorage(Partition partition, mpi::FileGroup group, std::filesystem::path prefix, IoMode io)
    : partition_(std::move(partition)), group_(std::move(group)), prefix_(std::move(prefix)), io_(io) {}

std::filesystem::path NpzGroupStorage::file_of(const std::string& key) const {
  return npz_group_file_name(prefix_, key, group_.index());
}

void NpzGroupStorage::write(const std::string& key, const SoA& soa) {
  const MPI_Comm comm = partition_.comm();
  const std::filesystem::path file = file_of(key);
  const std::filesystem::path previous = previous_file_name(file);
  bool moved_aside = false;  // the group's first rank only
  bool planned = false;
  try {
    // Round 1. Whatever sits under the final name goes aside, the key's value or a leftover.
    const std::shared_ptr<mpi::PlannedShare> share = mpi::plan_share(
        comm, group_, file, soa, {.io = io_}, [&] { moved_aside = set_aside(file); });
    planned = true;
    // Round 2.
    npz::ZipDirectory own;
    mpi::run_collectively(comm, [&] {
      accounting_.transfers().count_write(soa.nbytes(), [&] { own = mpi::write_planned_share(*share); });
    });
    if (moved_aside) remove_quietly(previous);  // a leftover is removed with the store's files
    layouts_.insert_or_assign(key, std::move(own));
    accounting_.stored(key, soa.nbytes());
  } catch (...) {
    // Agreed on every rank, and every rank is past its writes.
    // The write's error is the one to report; a ".previous" that could not go back stays for
    // close() to remove.
    if (first_of_group()) (void)put_back_after_failed_write(file, planned, moved_aside);
    // No rank may open the archive before its group's first rank has put the old one back: a
    // failed set costs a third round, a successful one does not.
    MPI_Barrier(comm);
    throw;
  }
}

npz::Archive NpzGroupStorage::open_own_members(const std::string& key) const {
  const std::filesystem::path file = file_of(key);
  if (const auto layout = layouts_.find(key); layout != layouts_.end()) return npz::archive_of(file, layout->second);
  io::File archive = io::File::open_read(file);
  return npz::archive_of(file, npz::read_own_members(archive, partition_.rank()));
}

SoA NpzGroupStorage::read(const std::string& key, const std::vector<std::string>* fields) {
  SoA soa;
  mpi::run_collectively(partition_.comm(), [&] {
    const npz::LoadOptions options{.io = accounting_.read_mode(key, io_)};
    std::optional<std::vector<std::string>> asked;
    if (fields != nullptr) asked = *fields;
    try {
      soa = accounting_.transfers().count_read(
          [&] { return npz::load_archive(open_own_members(key), asked, options); });
    } catch (const KeyNotFound& e) {
      throw KeyNotFound(std::string(e.what()) + " (key '" + key + "')");
    }
  });
  return soa;
}

LazySoA NpzGroupStorage::open(const std::string& key, const npz::LoadOptions& options) {
  std::optional<npz::Archive> archive;
  mpi::run_collectively(partition_.comm(), [&] {
    accounting_.transfers().count_open();
    archive.emplace(open_own_members(key));
  });
  // The store's io setting applies to lazy field reads as to whole reads.
  npz::LoadOptions with_io = options;
  with_io.io = accounting_.read_mode(key, io_);
  return LazySoA(std::move(*archive), with_io);
}

void NpzGroupStorage::erase(const std::string& key) {
  // One round: no rank still uses the file, since every write and read of it ended in an agreement.
  layouts_.erase(key);
  mpi::run_collectively(partition_.comm(), [&] {
    if (first_of_group()) io::remove_file(file_of(key));
  });
  accounting_.erased(key);
}

void NpzGroupStorage::discard(const std::string& key) noexcept {
  // Every rank removes the ".partial": a background writer of another rank may have recreated it
  // after the group's first rank removed it (see GenericIOFileStorage::discard).
  const std::filesystem::path file = file_of(key);
  remove_quietly(partial_file_name(file));
  if (first_of_group()) {
    remove_quietly(file);
    remove_quietly(previous_file_name(file));
  }
  layouts_.erase(key);
  staged_layouts_.erase(key);
  accounting_.erased(key);
}

StagedStorage::Work NpzGroupStorage::stage_write(const std::string& key, const SoA& soa) {
  const std::filesystem::path partial = partial_file_name(file_of(key));
  // A leftover ".partial" must go before anyone opens it: the group writes into a new file.
  std::shared_ptr<mpi::PlannedShare> share = mpi::plan_share(partition_.comm(), group_, partial, soa, {.io = io_},
                                                             [&] { (void)io::remove_file(partial); });
  auto layout = std::make_shared<npz::ZipDirectory>();
  staged_layouts_[key] = layout;
  accounting_.stored(key, soa.nbytes());
  return [share = std::move(share), layout, transfers = accounting_.shared_transfers(), bytes = soa.nbytes()] {
    transfers->count_write(bytes, [&] { *layout = mpi::write_planned_share(*share); });
  };
}

void NpzGroupStorage::publish(const std::string& key) {
  const std::filesystem::path file = file_of(key);
  if (first_of_group()) io::rename_file(partial_file_name(file), file);
  const auto staged = staged_layouts_.find(key);
  if (staged == staged_layouts_.end()) {
    // Discarded since it was staged (the store is closing): nothing known of the file.
    layouts_.erase(key);
    return;
  }
  layouts_.insert_or_assign(key, std::move(*staged->second));
  staged_layouts_.erase(staged);
}

void NpzGroupStorage::abandon(const std::string& key) noexcept {
  if (first_of_group()) remove_quietly(partial_file_name(file_of(key)));
  // Only the group's first rank knows whether its rename happened: read the file as any archive.
  staged_layouts_.erase(key);
  layouts_.erase(key);
}

StagedStorage::Work NpzGroupStorage::stage_erase(const std::string& key) {
  layouts_.erase(key);
  accounting_.erased(key);
  if (!first_of_group()) return [] {};
  return [file = file_of(key)] { (void)io::remove_file(file); };
}

}  // namespace soastore::stores
