#pragma once
// The files stores create on disk, for a program that cleans up after a run that was killed
// (what `soastore clean` does). A store deletes its own files when it is destroyed or closed;
// these are for runs that never got there (SIGKILL, a node failure, a job killed at its limit).
//
// For a store with temporary_path P (a prefix: directory D, file-name part N) the files are
//   GenericIOStore, key K:       D/N_K.tmp.gio
//   NumpyStore, key K, rank R:   D/N_K.tmp.rank-R.npz
// and either name + ".partial" while it is being written (docs/reliability.md).

#include <filesystem>
#include <string_view>
#include <vector>

namespace soastore {

// Whether `file_name` (no directory) is a name some store with prefix file-name part
// `prefix_name` creates: "{prefix_name}_{K}" + one of the suffixes above, K a key the stores
// admit and R the decimal form of a rank.
[[nodiscard]] bool is_store_file_name(std::string_view file_name, std::string_view prefix_name);

// The files in the directory of `prefix` that a store with temporary_path `prefix` creates:
// regular files (not symlinks, which a store never makes) whose names pass is_store_file_name,
// in directory order. IoError when the directory cannot be listed.
[[nodiscard]] std::vector<std::filesystem::path> find_store_files(const std::filesystem::path& prefix);

}  // namespace soastore
