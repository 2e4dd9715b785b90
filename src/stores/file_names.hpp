#pragma once
// The one place that knows the names of the files a store creates. The storages build their
// paths here and `soastore clean` recognises leftovers here, so the two can never drift apart.
//
// For a store with temporary_path P (a prefix: directory D, file-name part N):
//   GenericIOStore, key K:         D/N_K.tmp.gio          written first as D/N_K.tmp.gio.partial
//   NumpyStore, key K, rank R:     D/N_K.tmp.rank-R.npz   written first as ...npz.partial
// (the reference's names, plus the ".partial" temporaries of the atomic replace).
//
// Why keys need no extra rule against colliding with these temporaries: every name ends in
// exactly one of ".tmp.gio", ".tmp.gio.partial", ".npz", ".npz.partial", and those endings end in
// different characters ('o', 'z', 'l') or differ before ".partial" ('o' against 'z'), so a final
// name never equals a temporary name and a GenericIO name never equals an npz name, whatever the
// key. Within one kind the text after the key is fixed, or ".tmp.rank-" + digits up to ".npz":
// only the last ".tmp.rank-" is followed by nothing but digits, so a name splits into key and
// rank in one way only, and distinct keys (or ranks) give distinct names. The mapping (kind, key, rank) -> name is therefore injective for the keys check_key
// admits; tests/cpp/reliability/test_keys.cpp checks it on adversarial keys.
//
// What no key rule can prevent: two stores whose prefixes overlap ("run" with key "a_b" and
// "run_a" with key "b" both name run_a_b.tmp.gio). Give concurrent stores distinct directories
// or prefixes without '_' tails of each other.

#include <filesystem>
#include <string>
#include <string_view>

namespace soastore::stores {

inline constexpr std::string_view kPartialSuffix = ".partial";

// D/N_K.tmp.gio
std::filesystem::path genericio_file_name(const std::filesystem::path& prefix, std::string_view key);
// D/N_K.tmp.rank-R.npz
std::filesystem::path npz_file_name(const std::filesystem::path& prefix, std::string_view key, int rank);
// The temporary a file is written to before it is renamed into place: "{file}.partial".
std::filesystem::path partial_file_name(const std::filesystem::path& file);

// InvalidKey unless every name the store could create for `key` (the longest being an npz
// ".partial" of the largest rank) fits in one file-name component of NAME_MAX (255) bytes, so
// that an over-long name is refused before anything is written instead of failing with
// ENAMETOOLONG halfway through a collective write.
void check_file_name_length(const std::filesystem::path& prefix, std::string_view key);

// Whether `file_name` (no directory) is a name some store with prefix file-name part
// `prefix_name` creates: "{prefix_name}_{K}" + one of the four suffixes above, K a key that
// check_key admits and R the decimal form of a rank. What `soastore clean` removes.
bool is_store_file_name(std::string_view file_name, std::string_view prefix_name);

// Best-effort removal of a store file while an error is already on its way to the caller or the
// store is being destroyed: a failed cleanup must not replace the error that matters.
void remove_quietly(const std::filesystem::path& path) noexcept;

}  // namespace soastore::stores
