#pragma once
// The typed error hierarchy. Every error soastore raises derives from soastore::Error, so a caller
// can catch everything with one clause or tell causes apart. Messages name the key, file, field
// and rank involved; the structured fields are there for code that wants to react.

#include <stdexcept>
#include <string>

namespace soastore {

// Identifies an error class without RTTI, so that an error can travel between MPI ranks as a
// small integer and be rethrown as the same class on every rank (see mpi/collective).
enum class ErrorKind : int {
  Generic = 1,
  KeyNotFound,
  InvalidKey,
  InvalidData,
  IoError,
  CorruptFile,
  LayoutMismatch,
};

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message) : std::runtime_error(message) {}
  [[nodiscard]] virtual ErrorKind kind() const noexcept { return ErrorKind::Generic; }
};

// A key (store) or a field (SoA member) that is not there.
class KeyNotFound : public Error {
 public:
  using Error::Error;
  [[nodiscard]] ErrorKind kind() const noexcept override { return ErrorKind::KeyNotFound; }
};

// A key a store refuses (empty, too long, a path separator, ...).
class InvalidKey : public Error {
 public:
  using Error::Error;
  [[nodiscard]] ErrorKind kind() const noexcept override { return ErrorKind::InvalidKey; }
};

// Data a store or format cannot take, and why (wrong shape, unequal lengths, unsupported dtype).
class InvalidData : public Error {
 public:
  using Error::Error;
  [[nodiscard]] ErrorKind kind() const noexcept override { return ErrorKind::InvalidData; }
};

// A failed system call: keeps errno and the path so callers can tell ENOSPC from EIO.
class IoError : public Error {
 public:
  IoError(const std::string& message, int error_number, std::string path = {})
      : Error(message), errno_(error_number), path_(std::move(path)) {}
  [[nodiscard]] int error_number() const noexcept { return errno_; }
  [[nodiscard]] const std::string& path() const noexcept { return path_; }
  [[nodiscard]] ErrorKind kind() const noexcept override { return ErrorKind::IoError; }

 private:
  int errno_;
  std::string path_;
};

// A file whose bytes are not what its format promises (bad CRC, truncated, lying sizes).
class CorruptFile : public Error {
 public:
  CorruptFile(const std::string& message, std::string path = {}, int rank = -1)
      : Error(message), path_(std::move(path)), rank_(rank) {}
  [[nodiscard]] const std::string& path() const noexcept { return path_; }
  // The MPI rank that found the problem, -1 when no rank was involved.
  [[nodiscard]] int rank() const noexcept { return rank_; }
  [[nodiscard]] ErrorKind kind() const noexcept override { return ErrorKind::CorruptFile; }

 private:
  std::string path_;
  int rank_;
};

// The rank count or decomposition of a file or store differs from the reader's.
class LayoutMismatch : public Error {
 public:
  using Error::Error;
  [[nodiscard]] ErrorKind kind() const noexcept override { return ErrorKind::LayoutMismatch; }
};

// Throws an error of the given kind; used to rethrow an error that arrived from another rank.
[[noreturn]] void throw_error(ErrorKind kind, const std::string& message, int error_number = 0,
                              const std::string& path = {}, int rank = -1);

}  // namespace soastore
