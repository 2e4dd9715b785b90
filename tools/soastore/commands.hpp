#pragma once
// Each subcommand of the soastore program registers itself on the CLI11 app; main.cpp lists them.

#include <CLI/CLI.hpp>


namespace soastore::cli {

// Registers `soastore demo`: the merger-tree pipeline pattern, verified end to end.
void add_demo_command(CLI::App& app);
// Registers `soastore bench`: the stores against raw write()/read() and memcpy, one table.
void add_bench_command(CLI::App& app);

// Registers `soastore inspect`: the header facts of a GenericIO file.
void add_inspect_command(CLI::App& app);
// Registers `soastore verify`: every CRC of a GenericIO file.
void add_verify_command(CLI::App& app);

// Registers `soastore options`: the store options, their defaults and environment variables.
void add_options_command(CLI::App& app);

// Registers `soastore clean`: removes what a killed run left under a temporary_path prefix.
void add_clean_command(CLI::App& app);

}  // namespace soastore::cli
