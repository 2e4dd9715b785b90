#include "soastore/errors.hpp"

namespace soastore {

void throw_error(ErrorKind kind, const std::string& message, int error_number,
                 const std::string& path, int rank) {
  switch (kind) {
    case ErrorKind::KeyNotFound: throw KeyNotFound(message);
    case ErrorKind::InvalidKey: throw InvalidKey(message);
    case ErrorKind::InvalidData: throw InvalidData(message);
    case ErrorKind::IoError: throw IoError(message, error_number, path);
    case ErrorKind::CorruptFile: throw CorruptFile(message, path, rank);
    case ErrorKind::LayoutMismatch: throw LayoutMismatch(message);
    case ErrorKind::Generic: break;
  }
  throw Error(message);
}

}  // namespace soastore
