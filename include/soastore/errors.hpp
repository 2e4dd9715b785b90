#pragma once
// The typed error hierarchy. Every error soastore raises derives from soastore::Error, so a caller
// can catch everything with one clause or tell causes apart. Messages name the key, file, field
// and rank involved; the structured fields are there for code that wants to react.
//
// Each error kind is declared once, in SOASTORE_ERROR_KINDS below. From that list come the C++
// classes, ErrorKind (which lets an error travel between MPI ranks as a small integer and be
// rethrown as the same class, see mpi/collective), throw_error, and the Python exception classes
// (python/src/errors.cpp). A new kind is one line here.

#include <stdexcept>
#include <string>

namespace soastore {

// X(Class, PythonName, PythonBase, Description): the C++ class soastore::Class, raised in Python
// as soastore.PythonName, a subclass of soastore.Error and of the builtin PythonBase. An empty
// PythonName raises the builtin itself: IoError becomes the OSError subclass that os functions
// raise for its errno (FileNotFoundError for ENOENT, ...), so `except FileNotFoundError` works.
#define SOASTORE_ERROR_KINDS(X)                                                                          \
  X(KeyNotFound, "KeyNotFoundError", KeyError, "A key (store) or a field (SoA member) that is not there.") \
  X(InvalidKey, "InvalidKeyError", ValueError, "A key a store refuses (empty, too long, a path separator, ...).") \
  X(InvalidData, "InvalidDataError", ValueError,                                                          \
    "Data a store or format cannot take, and why (wrong shape, unequal lengths, unsupported dtype).")     \
  X(IoError, "", OSError, "A failed system call: errno and path say which (ENOSPC stays ENOSPC).")         \
  X(CorruptFile, "CorruptFileError", OSError,                                                             \
    "A file whose bytes are not what its format promises (bad CRC, truncated, lying sizes).")            \
  X(LayoutMismatch, "LayoutMismatchError", ValueError,                                                    \
    "The rank count or decomposition of a file or store differs from the reader's.")                     \
  X(InvalidOption, "InvalidOptionError", ValueError,                                                      \
    "An option value, given in code or by its environment variable, that is malformed.")                 \
  X(MemoryLimitExceeded, "MemoryLimitError", MemoryError,                                                \
    "A set refused because the values held in memory would exceed the store's memory_limit.")

// Identifies an error class without RTTI (Generic: soastore::Error itself).
enum class ErrorKind : int {
  Generic = 1,
#define SOASTORE_ERROR_ENUMERATOR(Class, PythonName, PythonBase, Description) Class,
  SOASTORE_ERROR_KINDS(SOASTORE_ERROR_ENUMERATOR)
#undef SOASTORE_ERROR_ENUMERATOR
};

// What an error knows besides its message. Every kind carries all of it (fields that do not
// apply stay empty), so an error can be rethrown with added context, or sent to another rank,
// without knowing its class.
struct ErrorDetails {
  int error_number = 0;  // errno of the failed system call, 0 when none failed
  std::string path;      // the file involved, empty when none
  int rank = -1;         // the MPI rank that found the problem, -1 when no rank was involved
};

class Error : public std::runtime_error {
 public:
  explicit Error(const std::string& message, ErrorDetails details = {})
      : std::runtime_error(message), details_(std::move(details)) {}
  // A failed system call on `path`.
  Error(const std::string& message, int error_number, std::string path = {})
      : Error(message, ErrorDetails{error_number, std::move(path), -1}) {}
  // A problem in the file `path`, found by `rank`.
  Error(const std::string& message, std::string path, int rank = -1)
      : Error(message, ErrorDetails{0, std::move(path), rank}) {}

  [[nodiscard]] virtual ErrorKind kind() const noexcept { return ErrorKind::Generic; }
  [[nodiscard]] const ErrorDetails& details() const noexcept { return details_; }
  [[nodiscard]] int error_number() const noexcept { return details_.error_number; }
  [[nodiscard]] const std::string& path() const noexcept { return details_.path; }
  [[nodiscard]] int rank() const noexcept { return details_.rank; }

 private:
  ErrorDetails details_;
};

#define SOASTORE_ERROR_CLASS(Class, PythonName, PythonBase, Description)          \
  class Class : public Error {                                                    \
   public:                                                                        \
    using Error::Error;                                                           \
    static constexpr const char* description = Description;                       \
    [[nodiscard]] ErrorKind kind() const noexcept override { return ErrorKind::Class; } \
  };
SOASTORE_ERROR_KINDS(SOASTORE_ERROR_CLASS)
#undef SOASTORE_ERROR_CLASS

// Throws an error of the given kind: to rethrow an error that arrived from another rank.
[[noreturn]] void throw_error(ErrorKind kind, const std::string& message, const ErrorDetails& details = {});
// Rethrows `error` as the same class with the same details, its message prefixed by `context`.
[[noreturn]] void throw_with_context(const Error& error, const std::string& context);

}  // namespace soastore
