#pragma once
// A file descriptor that turns every failure into a typed error naming the path, and hides the
// partial-progress rules of POSIX I/O: EINTR is retried, short reads and writes continue where
// they stopped, and transfers larger than the kernel's per-call limit are split.

#include <sys/uio.h>

#include <cstddef>
#include <cstdint>
#include <filesystem>
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

  [[nodiscard]] std::uint64_t size() const;
  void truncate(std::uint64_t length);
  void sync();
  // Closes and reports a failed close (NFS reports write errors there).
  void close();

  [[nodiscard]] const std::string& path() const noexcept { return path_; }
  [[nodiscard]] int descriptor() const noexcept { return fd_; }

 private:
  File(int fd, std::string path) : fd_(fd), path_(std::move(path)) {}
  static File open_with(const std::filesystem::path& path, int flags, const char* operation);
  [[noreturn]] void fail(const char* operation, int error_number) const;

  int fd_ = -1;
  std::string path_;
};

// Renames atomically within a file system; IoError naming both paths.
void rename_file(const std::filesystem::path& from, const std::filesystem::path& to);
// Removes a file; returns false when it did not exist, IoError on any other failure.
bool remove_file(const std::filesystem::path& path);

}  // namespace soastore::io
