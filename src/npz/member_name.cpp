#include "npz/member_name.hpp"

namespace soastore::npz {

std::optional<std::string> unsafe_field_name(std::string_view field) {
  if (field.empty()) return "an empty name";
  if (field == "." || field == "..") return "a name of '.' or '..'";
  if (field.find_first_of(std::string_view("/\\\0", 3)) != std::string_view::npos) {
    return "a path separator or NUL in the name";
  }
  // The member name length is a 16-bit field.
  if (field.size() + kNpySuffix.size() > 0xffff) return "a name longer than 65531 bytes";
  return std::nullopt;
}

}  // namespace soastore::npz
