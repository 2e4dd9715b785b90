#pragma once
// A file descriptor that turns every failure into a typed error naming the path, and hides the
// partial-progress rules of POSIX I/O: EINTR is retried, short reads and writes continue where
// they stopped, and transfers larger than the kernel's per-call limit are split.

#include <sys/uio.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <optional>
#include <span>
#include <string>

namespace soastore::io {

class File {
 public:
  // Opens an existing file for reading; IoError (ENOENT, EACCES, ...) naming the path otherwise.
  static File open_read(const std::filesystem::path& path);
  // Creates (or truncates) a file for writing with mode 0644.
  static File create(const std::filesystem::path& path);
  // Opens a file for writing without truncating it, creating it (mode 0644) if missing, so that
  // several writers of one file may open it in any order.
  static File open_or_create(const std::filesystem::path& path);
  // open_or_create with O_DIRECT, where the file system takes it: where it refuses (EINVAL, as
  // tmpfs does), a buffered descriptor instead, and the refusal is remembered for the directory
  // (direct_refused), so later files there do not try again. direct() tells which it got.
  static File open_or_create_direct(const std::filesystem::path& path);
  // A second, read-only O_DIRECT descriptor of the file this one has open (through
  // /proc/self/fd, so it is this very file even when its path now names another), or nullopt
  // where the file system refuses O_DIRECT (remembered for the directory, as for writes) or the
  // reopen fails for any other reason: then this descriptor serves the reads, buffered.
  [[nodiscard]] std::optional<File> open_direct_twin() const;

  File(File&& other) noexcept;
  File& operator=(File&& other) noexcept;
  File(const File&) = delete;
  File& operator=(const File&) = delete;
  ~File();  // closes, ignoring errors; call close() to see them

  // Writes all of `data` at `offset`; IoError with errno (ENOSPC stays ENOSPC) on failure.
  void write_at(std::span<const std::byte> data, std::uint64_t offset);
  // Writes the buffers back to back starting at `offset` in as few system calls as possible
  // (pwritev), so scattered data reach the disk without a staging copy.
  void write_vectored_at(std::span<const iovec> buffers, std::uint64_t offset);
  // Reads up to data.size() bytes at `offset`; fewer only at end of file. Returns bytes read.
  std::size_t read_at(std::span<std::byte> data, std::uint64_t offset);
  // Reads into the buffers back to back (preadv); returns total bytes read (short only at EOF).
  std::size_t read_vectored_at(std::span<const iovec> buffers, std::uint64_t offset);

  // Reserves the blocks of [offset, offset + length) (fallocate mode 0; may extend the file to
  // offset + length). A file system without fallocate is no error: the writes allocate then.
  void preallocate(std::uint64_t offset, std::uint64_t length);
  // True when the descriptor has O_DIRECT: transfers must then be 4096-aligned in memory, offset
  // and length.
  [[nodiscard]] bool direct() const noexcept { return direct_; }
  // Reopens the file without O_DIRECT (some file systems accept O_DIRECT at open and refuse it
  // at the first write with EINVAL), remembering the refusal for the directory.
  void reopen_buffered();

  [[nodiscard]] std::uint64_t size() const;
  void truncate(std::uint64_t length);
  void sync();
  // Closes and reports a failed close (NFS reports write errors there).
  void close();

  [[nodiscard]] const std::string& path() const noexcept { return path_; }
  [[nodiscard]] int descriptor() const noexcept { return fd_; }

 private:
  File(int fd, std::string path, bool direct = false) : fd_(fd), path_(std::move(path)), direct_(direct) {}
  static File open_with(const std::filesystem::path& path, int flags, const char* operation);
  [[noreturn]] void fail(const char* operation, int error_number) const;

  int fd_ = -1;
  std::string path_;
  bool direct_ = false;
};

// Whether O_DIRECT was refused in the directory of `path` before (by this process).
[[nodiscard]] bool direct_refused(const std::filesystem::path& path);
// Remembers that O_DIRECT was refused for `path` (e.g. at a read, after the open took it), so
// later files in its directory go buffered at once.
void remember_direct_refused(const std::filesystem::path& path);

// Renames atomically within a file system; IoError naming both paths.
void rename_file(const std::filesystem::path& from, const std::filesystem::path& to);
// Removes a file; returns false when it did not exist, IoError on any other failure.
bool remove_file(const std::filesystem::path& path);

}  // namespace soastore::io
