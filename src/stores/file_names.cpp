#include "stores/file_names.hpp"

#include <cerrno>
#include <climits>

#include "io/file.hpp"
#include "soastore/errors.hpp"
#include "stores/key_rules.hpp"

namespace soastore::stores {
namespace {

constexpr std::string_view kGenericIOSuffix = ".tmp.gio";
constexpr std::string_view kSubfileInfix = ".tmp.gio#";
constexpr std::string_view kRankInfix = ".tmp.rank-";
constexpr std::string_view kGroupInfix = ".tmp.group-";
constexpr std::string_view kNpzSuffix = ".npz";
constexpr std::string_view kPreviousSuffix = ".previous";
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

// A rank or group as std::to_string writes it: "0" or digits without a leading zero, within int.
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

// "{K}{infix}{number}" with K an admissible key (the last `infix` in `text` is the one).
bool is_numbered_name(std::string_view text, std::string_view infix) {
  const std::size_t at = text.rfind(infix);
  return at != std::string_view::npos && is_rank_text(text.substr(at + infix.size())) &&
         is_admissible_key(text.substr(0, at));
}

}  // namespace

std::filesystem::path genericio_file_name(const std::filesystem::path& prefix, std::string_view key) {
  return stem(prefix, key) + std::string(kGenericIOSuffix);
}

std::filesystem::path genericio_subfile_name(const std::filesystem::path& prefix, std::string_view key, int group) {
  return stem(prefix, key) + std::string(kSubfileInfix) + std::to_string(group);
}

std::filesystem::path npz_file_name(const std::filesystem::path& prefix, std::string_view key, int rank) {
  return stem(prefix, key) + std::string(kRankInfix) + std::to_string(rank) + std::string(kNpzSuffix);
}

std::filesystem::path npz_group_file_name(const std::filesystem::path& prefix, std::string_view key, int group) {
  return stem(prefix, key) + std::string(kGroupInfix) + std::to_string(group) + std::string(kNpzSuffix);
}

std::filesystem::path partial_file_name(const std::filesystem::path& file) {
  return file.string() + std::string(kPartialSuffix);
}

std::filesystem::path previous_file_name(const std::filesystem::path& file) {
  return file.string() + std::string(kPreviousSuffix);
}

void check_file_name_length(const std::filesystem::path& prefix, std::string_view key) {
  const std::filesystem::path longest = previous_file_name(npz_group_file_name(prefix, key, INT_MAX));
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
  if (!strip_suffix(rest, kPartialSuffix)) strip_suffix(rest, kPreviousSuffix);
  if (strip_suffix(rest, kGenericIOSuffix)) return is_admissible_key(rest);
  if (strip_suffix(rest, kNpzSuffix)) return is_numbered_name(rest, kRankInfix) || is_numbered_name(rest, kGroupInfix);
  return is_numbered_name(rest, kSubfileInfix);
}

bool set_aside(const std::filesystem::path& file) {
  try {
    io::rename_file(file, previous_file_name(file));
    return true;
  } catch (const IoError& e) {
    if (e.details().error_number == ENOENT) return false;
    throw;
  }
}

std::optional<std::string> put_back_after_failed_write(const std::filesystem::path& file, bool written,
                                                       bool was_set_aside) noexcept {
  if (written) remove_quietly(file);
  if (!was_set_aside) return std::nullopt;
  try {
    io::rename_file(previous_file_name(file), file);
  } catch (const std::exception& e) {
    return e.what();
  }
  return std::nullopt;
}

void remove_quietly(const std::filesystem::path& path) noexcept {
  try {
    io::remove_file(path);
  } catch (...) {  // see the header: the caller's error (or a clean destruction) matters more
  }
}

}  // namespace soastore::stores
