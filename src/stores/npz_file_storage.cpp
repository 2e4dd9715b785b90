#include "stores/npz_file_storage.hpp"

#include "io/file.hpp"
#include "soastore/npz.hpp"
#include "stores/file_names.hpp"

namespace soastore::stores {

NpzFileStorage::NpzFileStorage(std::filesystem::path prefix, int rank, IoMode io)
    : prefix_(std::move(prefix)), rank_(rank), io_(io) {}

std::filesystem::path NpzFileStorage::file_of(const std::string& key) const {
  return npz_file_name(prefix_, key, rank_);
}

void NpzFileStorage::write(const std::string& key, const SoA& soa) {
  write_file(key, soa, accounting_.transfers());
  accounting_.stored(key, soa.nbytes());
}

void NpzFileStorage::write_file(const std::string& key, const SoA& soa, TransferCounters& transfers) const {
  const std::filesystem::path file = file_of(key);
  const std::filesystem::path partial = partial_file_name(file);
  try {
    transfers.count_write(soa.nbytes(), [&] { npz::save(partial, soa, {.io = io_}); });
    io::rename_file(partial, file);
  } catch (...) {
    try {
      io::remove_file(partial);
    } catch (const IoError&) {
      // The write's error is the one to report; a partial file that cannot be removed is secondary.
    }
    throw;
  }
}

SoA NpzFileStorage::read(const std::string& key, const std::vector<std::string>* fields) {
  const std::filesystem::path file = file_of(key);
  try {
    const npz::LoadOptions options{.io = accounting_.read_mode(key, io_)};
    return accounting_.transfers().count_read(
        [&] { return fields == nullptr ? npz::load(file, std::nullopt, options) : npz::load(file, *fields, options); });
  } catch (const KeyNotFound& e) {
    throw KeyNotFound(std::string(e.what()) + " (key '" + key + "')");
  }
}

LazySoA NpzFileStorage::open(const std::string& key, const npz::LoadOptions& options) {
  accounting_.transfers().count_open();
  // The store's io setting applies to lazy field reads as to whole reads.
  npz::LoadOptions with_io = options;
  with_io.io = accounting_.read_mode(key, io_);
  return LazySoA(npz::Archive(file_of(key)), with_io);
}

void NpzFileStorage::erase(const std::string& key) {
  io::remove_file(file_of(key));
  accounting_.erased(key);
}

StagedStorage::Work NpzFileStorage::stage_write(const std::string& key, const SoA& soa) {
  accounting_.stored(key, soa.nbytes());
  // write_file touches only what never changes after construction, and counts into atomics.
  return [this, key, soa, transfers = accounting_.shared_transfers()] { write_file(key, soa, *transfers); };
}

StagedStorage::Work NpzFileStorage::stage_erase(const std::string& key) {
  accounting_.erased(key);
  return [file = file_of(key)] { (void)io::remove_file(file); };
}

void NpzFileStorage::discard(const std::string& key) noexcept {
  remove_quietly(file_of(key));
  remove_quietly(partial_file_name(file_of(key)));
  accounting_.erased(key);
}

}  // namespace soastore::stores
