#pragma once
// The one place that knows the names of the files a store creates. The storages build their
// paths here and `soastore clean` recognises leftovers here, so the two can never drift apart.
//
// For a store with temporary_path P (a prefix: directory D, file-name part N):
//   GenericIOStore, key K:         D/N_K.tmp.gio          written first as D/N_K.tmp.gio.partial
//     with file_groups, group G:   D/N_K.tmp.gio#G        (a split file: D/N_K.tmp.gio is its rank map)
//   NumpyStore, key K, rank R:     D/N_K.tmp.rank-R.npz   written first as ...npz.partial
//     with file_groups, group G:   D/N_K.tmp.group-G.npz
// (the reference's names, plus the temporaries of the atomic replace: ".partial", a new value
// before it is renamed into place, and ".previous", the old value while a new one is written
// under its name).
//
// Why keys need no extra rule against colliding with these temporaries: every name ends in
// exactly one of ".tmp.gio", ".tmp.gio#" + digits, ".npz", or one of those plus ".partial" or
// ".previous". The endings end in different characters ('o', a digit, 'z', 'l', 's') or differ
// before ".partial" / ".previous" in the same way, so a final name never equals a temporary name
// and names of different kinds never meet, whatever the key. Within one kind the text after the
// key is fixed, or an infix (".tmp.rank-", ".tmp.group-", ".tmp.gio#") + digits: only the last
// such infix is followed by nothing but digits (and ".npz"), so a name splits into key and number
// in one way only, and distinct keys (or numbers) give distinct names. The mapping (kind, key,
// number) -> name is therefore injective for the keys check_key admits;
// tests/cpp/reliability/test_keys.cpp checks it on adversarial keys.
//
// What no key rule can prevent: two stores whose prefixes overlap ("run" with key "a_b" and
// "run_a" with key "b" both name run_a_b.tmp.gio). Give concurrent stores distinct directories
// or prefixes without '_' tails of each other.

#include <filesystem>
#include <optional>
#include <string>
#include <string_view>

namespace soastore::stores {

inline constexpr std::string_view kPartialSuffix = ".partial";

// D/N_K.tmp.gio
std::filesystem::path genericio_file_name(const std::filesystem::path& prefix, std::string_view key);
// D/N_K.tmp.gio#G: group G's sub-file of a split file
std::filesystem::path genericio_subfile_name(const std::filesystem::path& prefix, std::string_view key, int group);
// D/N_K.tmp.rank-R.npz
std::filesystem::path npz_file_name(const std::filesystem::path& prefix, std::string_view key, int rank);
// D/N_K.tmp.group-G.npz: the archive the ranks of group G share
std::filesystem::path npz_group_file_name(const std::filesystem::path& prefix, std::string_view key, int group);
// The temporary a file is written to before it is renamed into place: "{file}.partial".
std::filesystem::path partial_file_name(const std::filesystem::path& file);
// Where a file's old value waits while a new one is written under its name: "{file}.previous".
std::filesystem::path previous_file_name(const std::filesystem::path& file);

// InvalidKey unless every name the store could create for `key` (the longest being an npz
// ".partial" of the largest rank) fits in one file-name component of NAME_MAX (255) bytes, so
// that an over-long name is refused before anything is written instead of failing with
// ENAMETOOLONG halfway through a collective write.
void check_file_name_length(const std::filesystem::path& prefix, std::string_view key);

// Whether `file_name` (no directory) is a name some store with prefix file-name part
// `prefix_name` creates: "{prefix_name}_{K}" + one of the suffixes above, K a key that check_key
// admits and R, G the decimal form of a rank or group. What `soastore clean` removes.
bool is_store_file_name(std::string_view file_name, std::string_view prefix_name);

// Renames `file` to previous_file_name(file), where its value waits while a new one is written
// under its name; false when there was no `file` (nothing to keep). IoError otherwise.
bool set_aside(const std::filesystem::path& file);

// Undoes a failed write of `file` on the rank that owns it: removes what the write left (when it
// wrote anything) and renames the value set aside back (when set_aside put one there). Never
// throws, since the write's error is the one to report: the text of a failed rename back, or
// nothing when all went well.
std::optional<std::string> put_back_after_failed_write(const std::filesystem::path& file, bool written,
                                                       bool was_set_aside) noexcept;

// Best-effort removal of a store file while an error is already on its way to the caller or the
// store is being destroyed: a failed cleanup must not replace the error that matters.
void remove_quietly(const std::filesystem::path& path) noexcept;

}  // namespace soastore::stores
