#include "npz/corrupt.hpp"

#include "soastore/errors.hpp"

namespace soastore::npz {

void throw_corrupt(const std::string& path, const std::string& what) {
  throw CorruptFile("npz file '" + path + "': " + what, path);
}

}  // namespace soastore::npz
