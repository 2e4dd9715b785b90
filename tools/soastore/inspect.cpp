// `soastore inspect FILE [--json]`: the header facts of a GenericIO file (ranks, rows, grid,
// physical box, variables with dtype and flags, blocks, sub-files), like GenericIOPrint's
// summary, without reading any data.

#include <cstdio>
#include <string>

#include "commands.hpp"
#include "soastore/genericio.hpp"

namespace soastore::cli {
namespace {

std::string flag_names(std::uint64_t flags) {
  static const std::pair<std::uint64_t, const char*> kNames[] = {
      {genericio::PhysCoordX, "PhysCoordX"}, {genericio::PhysCoordY, "PhysCoordY"},
      {genericio::PhysCoordZ, "PhysCoordZ"}, {genericio::MaybePhysGhost, "MaybePhysGhost"}};
  std::string names;
  for (const auto& [bit, name] : kNames) {
    if (flags & bit) names += (names.empty() ? "" : "|") + std::string(name);
  }
  return names;
}

std::string type_name(const genericio::VariableInfo& variable) {
  std::string name(dtype_name(variable.dtype));
  return variable.components == 1 ? name : name + "[" + std::to_string(variable.components) + "]";
}

std::string json_string(const std::string& text) {
  std::string out = "\"";
  for (const unsigned char c : text) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20) {
      char escaped[8];
      std::snprintf(escaped, sizeof escaped, "\\u%04x", c);
      out += escaped;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

template <class T>
std::string json_triple(const std::array<T, 3>& values) {
  std::string out = "[";
  for (std::size_t i = 0; i < 3; ++i) {
    if (i) out += ", ";
    if constexpr (std::is_floating_point_v<T>) {
      char number[32];
      std::snprintf(number, sizeof number, "%.17g", values[i]);
      out += number;
    } else {
      out += std::to_string(values[i]);
    }
  }
  return out + "]";
}

void print_json(const genericio::FileInfo& info) {
  std::printf("{\n  \"path\": %s,\n  \"byte_order\": \"%s\",\n  \"total_rows\": %llu,\n", json_string(info.path.string()).c_str(),
              info.big_endian ? "big" : "little", static_cast<unsigned long long>(info.total_rows));
  std::printf("  \"dims\": %s,\n  \"phys_origin\": %s,\n  \"phys_scale\": %s,\n", json_triple(info.dims).c_str(),
              json_triple(info.phys_origin).c_str(), json_triple(info.phys_scale).c_str());
  std::printf("  \"block_headers\": %s,\n  \"compressed_blocks\": %zu,\n  \"variables\": [", info.block_headers ? "true" : "false",
              info.compressed_blocks);
  for (std::size_t v = 0; v < info.variables.size(); ++v) {
    const auto& variable = info.variables[v];
    std::printf("%s\n    {\"name\": %s, \"dtype\": \"%s\", \"components\": %zu, \"flags\": %llu}", v ? "," : "",
                json_string(variable.name).c_str(), std::string(dtype_name(variable.dtype)).c_str(), variable.components,
                static_cast<unsigned long long>(variable.flags));
  }
  std::printf("\n  ],\n  \"ranks\": [");
  for (std::size_t r = 0; r < info.ranks.size(); ++r) {
    const auto& rank = info.ranks[r];
    std::printf("%s\n    {\"global_rank\": %llu, \"rows\": %llu, \"coords\": %s, \"file\": %s}", r ? "," : "",
                static_cast<unsigned long long>(rank.global_rank), static_cast<unsigned long long>(rank.rows),
                json_triple(rank.coords).c_str(), json_string(rank.file.string()).c_str());
  }
  std::printf("\n  ],\n  \"subfiles\": [");
  for (std::size_t i = 0; i < info.subfiles.size(); ++i) {
    std::printf("%s%s", i ? ", " : "", json_string(info.subfiles[i].string()).c_str());
  }
  std::printf("]\n}\n");
}

void print_text(const genericio::FileInfo& info) {
  std::printf("# %s: %zu rank(s): %llux%llux%llu: %llu row(s)\n", info.path.string().c_str(), info.ranks.size(),
              static_cast<unsigned long long>(info.dims[0]), static_cast<unsigned long long>(info.dims[1]),
              static_cast<unsigned long long>(info.dims[2]), static_cast<unsigned long long>(info.total_rows));
  std::printf("# %s-endian; %s", info.big_endian ? "big" : "little", info.block_headers ? "block headers" : "plain layout");
  if (info.block_headers) std::printf(", %zu BLOSC-compressed block(s)", info.compressed_blocks);
  std::printf("\n# physical coordinates: (%g,%g,%g) -> (%g,%g,%g)\n", info.phys_origin[0], info.phys_origin[1],
              info.phys_origin[2], info.phys_scale[0], info.phys_scale[1], info.phys_scale[2]);
  for (const auto& subfile : info.subfiles) std::printf("# sub-file: %s\n", subfile.string().c_str());
  std::printf("# %zu variable(s):\n", info.variables.size());
  for (const auto& variable : info.variables) {
    const std::string flags = flag_names(variable.flags);
    std::printf("%-12s %s%s%s\n", type_name(variable).c_str(), variable.name.c_str(), flags.empty() ? "" : "  ",
                flags.c_str());
  }
  for (const auto& rank : info.ranks) {
    std::printf("# rank %llu: %llu,%llu,%llu: %llu row(s)%s%s\n", static_cast<unsigned long long>(rank.global_rank),
                static_cast<unsigned long long>(rank.coords[0]), static_cast<unsigned long long>(rank.coords[1]),
                static_cast<unsigned long long>(rank.coords[2]), static_cast<unsigned long long>(rank.rows),
                info.subfiles.empty() ? "" : " in ", info.subfiles.empty() ? "" : rank.file.string().c_str());
  }
}

}  // namespace

void add_inspect_command(CLI::App& app) {
  struct Options {
    std::string file;
    bool json = false;
  };
  auto options = std::make_shared<Options>();
  CLI::App* inspect = app.add_subcommand("inspect", "Print the header facts of a GenericIO file (no data is read)");
  inspect->add_option("FILE", options->file, "GenericIO file (the rank map of a split file)")->required();
  inspect->add_flag("--json", options->json, "Print JSON");
  inspect->callback([options] {
    const genericio::FileInfo info = genericio::inspect(options->file);
    if (options->json) {
      print_json(info);
    } else {
      print_text(info);
    }
  });
}

}  // namespace soastore::cli
