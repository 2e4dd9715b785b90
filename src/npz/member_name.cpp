#include "npz/member_name.hpp"

#include <algorithm>
#include <cstdio>

namespace soastore::npz {
namespace {

constexpr std::string_view kRankFolderPrefix = "rank-";
constexpr std::size_t kRankDigits = 6;

// The length of the rank folder `field` starts with ("rank-" + six or more digits + '/'), or 0.
std::size_t rank_folder_length(std::string_view field) {
  if (!field.starts_with(kRankFolderPrefix)) return 0;
  const std::size_t slash = field.find('/');
  if (slash == std::string_view::npos) return 0;
  const std::string_view digits = field.substr(kRankFolderPrefix.size(), slash - kRankFolderPrefix.size());
  const bool numeral = std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; });
  return digits.size() >= kRankDigits && numeral ? slash + 1 : 0;
}

}  // namespace

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

std::string rank_folder(int rank) {
  char folder[32];
  std::snprintf(folder, sizeof folder, "rank-%0*d/", static_cast<int>(kRankDigits), rank);
  return folder;
}

std::optional<std::string> unsafe_member_field(std::string_view field) {
  return unsafe_field_name(field.substr(rank_folder_length(field)));
}

}  // namespace soastore::npz
