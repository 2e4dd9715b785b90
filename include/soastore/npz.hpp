#pragma once
// numpy .npy arrays in .npz (zip) archives, read and written by our own code
// (namespace soastore::npz). numpy.load reads what we write; we read what numpy.savez and
// numpy.savez_compressed write. The format notes are in docs/npz.md.

#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "soastore/io_mode.hpp"
#include "soastore/soa.hpp"

namespace soastore::npz {

struct ZipDirectory;  // internal

struct SaveOptions {
  // Buffered by default; direct (and auto from kDirectIoThreshold bytes on) writes the archive
  // with O_DIRECT through aligned staging buffers, buffered where the file system refuses it.
  // The bytes of the archive are the same in every mode.
  IoMode io = IoMode::Buffered;
};

// Writes every array of `soa` as member "NAME.npy" of a ZIP64-capable stored (uncompressed)
// archive. Each member's array data starts on a 4096-byte boundary so it can be mapped.
void save(const std::filesystem::path& path, const SoA& soa, const SaveOptions& options = {});

struct LoadOptions {
  // Map aligned stored members instead of reading them (zero-copy; the mapping lives as long as
  // any handle to the array). Members that cannot be mapped are read as usual.
  bool map = false;
  // Buffered by default. Direct (and auto, from kDirectIoThreshold bytes on: the member's bytes
  // for Archive::read, all the asked members' bytes for load) reads stored members with O_DIRECT,
  // bypassing the page cache: straight into the result array when it is aligned as the member
  // data are (ours start on 4 KiB boundaries, arrays of 4 MiB or more are 2 MiB-aligned), through
  // an aligned bounce buffer otherwise; the CRC-32 is checked as always. Mapped members stay
  // mapped (direct applies to copying reads only), deflated members are read buffered, and
  // where the file system refuses O_DIRECT the read is buffered, silently.
  IoMode io = IoMode::Buffered;
};

// An open archive whose members are read one at a time, on demand: what numpy.load returns
// (NpzFile). Opening reads only the archive's directory; read(name) reads and CRC-checks that
// member's bytes and no other's. The archive stays open (one file descriptor) until close() or
// until the last copy of the Archive goes, so it keeps reading the file it opened even after
// that file was removed or replaced by another under the same name.
//
// Copies share one open file. read() may be called from several threads at once.
class Archive {
 public:
  // IoError when the file cannot be opened, CorruptFile when its directory is damaged.
  explicit Archive(const std::filesystem::path& path);

  // The array names (member names without ".npy"), in the archive's order.
  [[nodiscard]] const std::vector<std::string>& names() const noexcept;
  [[nodiscard]] bool contains(std::string_view name) const noexcept;
  // The member `name`; KeyNotFound naming it and the file when there is none, CorruptFile when
  // its bytes fail their checks, Error when the archive was closed.
  [[nodiscard]] Array read(std::string_view name, const LoadOptions& options = {}) const;

  [[nodiscard]] const std::filesystem::path& path() const noexcept;
  // Closes the file for every copy; arrays already read (mapped ones too) stay valid.
  void close() noexcept;
  [[nodiscard]] bool is_open() const noexcept;

 private:
  struct State;
  std::shared_ptr<State> state_;
  // An archive whose members are known without reading its directory (npz/archive_of.hpp).
  friend Archive archive_of(const std::filesystem::path& path, ZipDirectory members);
  // load resolves io=auto over all the members it reads, which needs their sizes.
  friend SoA load_archive(const Archive& archive, const std::optional<std::vector<std::string>>& fields,
                          const LoadOptions& options);
  Archive() = default;
};

// The arrays of the archive (only `fields`, in that order, when given), reading only their bytes.
// KeyNotFound names a missing field; CorruptFile anything the archive gets wrong.
SoA load(const std::filesystem::path& path, const std::optional<std::vector<std::string>>& fields = std::nullopt,
         const LoadOptions& options = {});

}  // namespace soastore::npz
