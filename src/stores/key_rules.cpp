#include "stores/key_rules.hpp"

#include <string>

#include "soastore/errors.hpp"

namespace soastore::stores {

void check_key(std::string_view key) {
  const std::string shown(key);
  if (key.empty()) throw InvalidKey("store keys must not be empty");
  if (key.size() > kMaxKeyLength) {
    throw InvalidKey("store key '" + shown.substr(0, 40) + "...' has " + std::to_string(key.size()) +
                     " bytes; at most " + std::to_string(kMaxKeyLength) + " are allowed");
  }
  if (key == "." || key == "..") throw InvalidKey("store key '" + shown + "' would name a directory");
  for (const char c : key) {
    const auto byte = static_cast<unsigned char>(c);
    if (c == '/' || c == '\\') throw InvalidKey("store key '" + shown + "' contains a path separator");
    if (byte < 0x20 || byte == 0x7f) {
      throw InvalidKey("store key contains control character " + std::to_string(byte) + ": not a safe file name");
    }
  }
}

}  // namespace soastore::stores
