#include "stores/file_names.hpp"

#include <climits>

#include "io/file.hpp"
#include "soastore/errors.hpp"
#include "stores/key_rules.hpp"

namespace soastore::stores {
namespace {

constexpr std::string_view kGenericIOSuffix = ".tmp.gio";
constexpr std::string_view kRankInfix = ".tmp.rank-";
constexpr std::string_view kNpzSuffix = ".npz";
// Linux's NAME_MAX for every common file system (ext4, xfs, tmpfs, Lustre, GPFS).
constexpr std::size_t kMaxFileNameBytes = 255;

std::string stem(const std::filesystem::path& prefix, std::string_view key) {
  return prefix.string() + "_" + std::string(key);
}

bool strip_suffix(std::string_view& text, std::string_view suffix) {
  if (!text.ends_with(suffix)) return false;
  text.remove_suffix(suffix.size());
  return true;
}

// A rank as std::to_string writes it: "0" or digits without a leading zero, within int.
bool is_rank_text(std::string_view text) {
  if (text.empty() || text.size() > 10 || (text.size() > 1 && text.front() == '0')) return false;
  long long value = 0;
  for (const char c : text) {
    if (c < '0' || c > '9') return false;
    value = value * 10 + (c - '0');
  }
  return value <= INT_MAX;
}

bool is_admissible_key(std::string_view key) {
  try {
    check_key(key);
    return true;
  } catch (const InvalidKey&) {
    return false;
  }
}

}  // namespace

std::filesystem::path genericio_file_name(const std::filesystem::path& prefix, std::string_view key) {
  return stem(prefix, key) + std::string(kGenericIOSuffix);
}

std::filesystem::path npz_file_name(const std::filesystem::path& prefix, std::string_view key, int rank) {
  return stem(prefix, key) + std::string(kRankInfix) + std::to_string(rank) + std::string(kNpzSuffix);
}

std::filesystem::path partial_file_name(const std::filesystem::path& file) {
  return file.string() + std::string(kPartialSuffix);
}

void check_file_name_length(const std::filesystem::path& prefix, std::string_view key) {
  const std::filesystem::path longest = partial_file_name(npz_file_name(prefix, key, INT_MAX));
  const std::size_t length = longest.filename().string().size();
  if (length > kMaxFileNameBytes) {
    throw InvalidKey("store key '" + std::string(key) + "' with temporary_path '" + prefix.string() +
                     "' makes file names of up to " + std::to_string(length) + " bytes ('" +
                     longest.filename().string() + "'); file systems allow " + std::to_string(kMaxFileNameBytes) +
                     ": use a shorter key or prefix");
  }
}

bool is_store_file_name(std::string_view file_name, std::string_view prefix_name) {
  std::string_view rest = file_name;
  if (!rest.starts_with(prefix_name) || rest.substr(prefix_name.size()).substr(0, 1) != "_") return false;
  rest.remove_prefix(prefix_name.size() + 1);
  strip_suffix(rest, kPartialSuffix);
  if (strip_suffix(rest, kGenericIOSuffix)) return is_admissible_key(rest);
  if (!strip_suffix(rest, kNpzSuffix)) return false;
  const std::size_t infix = rest.rfind(kRankInfix);
  if (infix == std::string_view::npos || !is_rank_text(rest.substr(infix + kRankInfix.size()))) return false;
  return is_admissible_key(rest.substr(0, infix));
}

void remove_quietly(const std::filesystem::path& path) noexcept {
  try {
    io::remove_file(path);
  } catch (...) {  // see the header: the caller's error (or a clean destruction) matters more
  }
}

}  // namespace soastore::stores
