#pragma once
// A store contender as text: the store's name, then store options by name, e.g. "GenericIOStore",
// "NumpyStore keep_files=false". A bare option name means true. The names are those of
// soastore::describe_options() (soastore/options.hpp), so an option that the library declares is
// one a contender can be built with, without a change here (unless its type is a new one).

#include <string>
#include <vector>

#include "soastore/options.hpp"

namespace soastore::bench {

struct StoreSpec {
  std::string store;     // "GenericIOStore" or "NumpyStore"
  StoreOptions options;  // as given; unset ones take the store's defaults
  std::string name;      // the contender's name in the table: the words as given, one space apart
};

// "GenericIOStore keep_files" -> {GenericIOStore, keep_files=true}. InvalidData for an unknown
// store or option or a value the option's type does not take.
[[nodiscard]] StoreSpec parse_store_spec(const std::string& text);
// Sets the options named in `text` ("keep_files=0 ..."; empty: none) in `options`.
void parse_store_options(const std::string& text, StoreOptions& options);
// "keep_files (bool)": the options a spec can name, for help texts and error messages.
[[nodiscard]] std::string store_option_names();

}  // namespace soastore::bench
