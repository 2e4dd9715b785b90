// `soastore verify FILE`: checks every CRC of every (sub-)file of a GenericIO file; prints each
// problem and exits 1 when there is one, prints "FILE: okay" and exits 0 when the file is sound.

#include <cstdio>
#include <string>

#include "commands.hpp"
#include "soastore/genericio.hpp"

namespace soastore::cli {

void add_verify_command(CLI::App& app) {
  auto file = std::make_shared<std::string>();
  CLI::App* verify = app.add_subcommand("verify", "Check every CRC of a GenericIO file (exit 1 on any problem)");
  verify->add_option("FILE", *file, "GenericIO file (the rank map of a split file)")->required();
  verify->callback([file] {
    const genericio::VerifyReport report = genericio::verify(*file);
    for (const std::string& problem : report.problems) std::printf("ERROR: %s\n", problem.c_str());
    if (!report.problems.empty()) {
      std::printf("%s: %zu problem(s)\n", file->c_str(), report.problems.size());
      throw CLI::RuntimeError(1);
    }
    std::printf("%s: okay (%zu file(s), %zu block(s) checked)\n", file->c_str(), report.checked.size(), report.blocks);
  });
}

}  // namespace soastore::cli
