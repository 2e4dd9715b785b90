#pragma once
// The one way the npz layer reports a file that breaks its format, so every message has the same
// shape: "npz file 'PATH': WHAT".

#include <string>

namespace soastore::npz {

[[noreturn]] void throw_corrupt(const std::string& path, const std::string& what);

}  // namespace soastore::npz
