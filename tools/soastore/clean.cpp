// `soastore clean PREFIX [--dry-run]`: removes the files a killed run left behind for the
// temporary_path PREFIX, and only those: regular files in PREFIX's directory whose names follow a
// store's exact pattern ({name}_{key}.tmp.gio, {name}_{key}.tmp.rank-{r}.npz, and either with
// ".partial"; see soastore/store_files.hpp). A store deletes its own files when it is destroyed;
// this is for runs that never got there (SIGKILL, a node failure, a job killed at its time limit).

#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

#include "commands.hpp"
#include "soastore/errors.hpp"
#include "soastore/store_files.hpp"

namespace soastore::cli {
namespace {

struct CleanOptions {
  std::string prefix;
  bool dry_run = false;
};

// Returns the number of files that could not be removed.
int clean(const CleanOptions& options) {
  int removed = 0, failed = 0;
  for (const std::filesystem::path& file : find_store_files(options.prefix)) {
    if (options.dry_run) {
      std::printf("would remove %s\n", file.c_str());
      ++removed;
      continue;
    }
    std::error_code error;
    if (std::filesystem::remove(file, error)) {
      std::printf("removed %s\n", file.c_str());
      ++removed;
    } else if (error) {
      std::fprintf(stderr, "soastore clean: cannot remove '%s': %s\n", file.c_str(), error.message().c_str());
      ++failed;
    }
  }
  std::printf("%d file(s) %s under prefix '%s'\n", removed, options.dry_run ? "to remove" : "removed",
              options.prefix.c_str());
  return failed;
}

}  // namespace

void add_clean_command(CLI::App& app) {
  auto options = std::make_shared<CleanOptions>();
  CLI::App* command = app.add_subcommand(
      "clean", "Remove the files a killed run left for a store's temporary_path PREFIX (only the store's own names)");
  command->add_option("PREFIX", options->prefix, "the temporary_path the stores were given")->required();
  command->add_flag("--dry-run", options->dry_run, "only list what would be removed");
  command->callback([options] {
    if (clean(*options) != 0) throw CLI::RuntimeError(1);
  });
}

}  // namespace soastore::cli
