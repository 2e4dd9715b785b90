// The soastore command-line program: `soastore SUBCOMMAND --help` explains each one.
#include <cstdio>
#include <exception>

#include "commands.hpp"
#include "soastore/errors.hpp"

int main(int argc, char** argv) {
  CLI::App app{"soastore: a temporary store for Structure-of-Arrays data in MPI codes"};
  app.require_subcommand(1);
  soastore::cli::add_demo_command(app);
  soastore::cli::add_bench_command(app);
  soastore::cli::add_inspect_command(app);
  soastore::cli::add_verify_command(app);
  soastore::cli::add_clean_command(app);
  soastore::cli::add_options_command(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  } catch (const soastore::Error& e) {
    std::fprintf(stderr, "soastore: %s\n", e.what());
    return 1;
  }
  return 0;
}
