// `soastore options`: every store option with its type, default, environment variable and
// description, from their one declaration (soastore/options.hpp). `--markdown` prints the table
// docs/options.md carries; a test checks that the two agree, so the docs cannot drift.
#include <cstdio>
#include <string>

#include "commands.hpp"
#include "soastore/options.hpp"

namespace soastore::cli {
namespace {

void print_markdown() {
  std::printf("| option | type | default | environment variable | what it does |\n");
  std::printf("| --- | --- | --- | --- | --- |\n");
  for (const OptionDescription& option : describe_options()) {
    std::printf("| `%s` | %s | `%s` | `%s` | %s |\n", option.name.c_str(), option.type.c_str(),
                option.default_value.c_str(), option.environment_variable.c_str(), option.description.c_str());
  }
}

void print_text() {
  for (const OptionDescription& option : describe_options()) {
    std::printf("%s (%s, default %s; environment variable %s)\n    %s\n", option.name.c_str(), option.type.c_str(),
                option.default_value.c_str(), option.environment_variable.c_str(), option.description.c_str());
  }
}

}  // namespace

void add_options_command(CLI::App& app) {
  CLI::App* command = app.add_subcommand("options", "List the store options, their defaults and environment variables");
  auto markdown = std::make_shared<bool>(false);
  command->add_flag("--markdown", *markdown, "Print the table of docs/options.md");
  command->callback([markdown] { *markdown ? print_markdown() : print_text(); });
}

}  // namespace soastore::cli
