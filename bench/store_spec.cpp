#include "bench/store_spec.hpp"

#include <optional>
#include <sstream>

#include "bench/contenders.hpp"
#include "soastore/errors.hpp"

namespace soastore::bench {
namespace {

void set_option(StoreOptions& options, const std::string& word) {
  const std::size_t equals = word.find('=');
  const std::string name = word.substr(0, equals);
  const std::string value = equals == std::string::npos ? "true" : word.substr(equals + 1);
// Values are spelled as the options' environment variables spell them (InvalidOption otherwise).
#define SOASTORE_BENCH_SET_OPTION(Type, option, Default, Description) \
  if (name == #option) {                                             \
    options.option = parse_option_value<Type>(name, value);          \
    return;                                                          \
  }
  SOASTORE_STORE_OPTIONS(SOASTORE_BENCH_SET_OPTION)
#undef SOASTORE_BENCH_SET_OPTION
  throw InvalidData("no store option '" + name + "' (the options are: " + store_option_names() + ")");
}

}  // namespace

std::string store_option_names() {
  std::string names;
  for (const OptionDescription& option : describe_options()) {
    names += (names.empty() ? "" : ", ") + option.name + " (" + option.type + ")";
  }
  return names;
}

void parse_store_options(const std::string& text, StoreOptions& options) {
  std::istringstream words(text);
  for (std::string word; words >> word;) set_option(options, word);
}

StoreSpec parse_store_spec(const std::string& text) {
  std::istringstream words(text);
  StoreSpec spec;
  words >> spec.store;
  if (spec.store != kGenericIO && spec.store != kNumpy) {
    throw InvalidData("store contender '" + text + "' does not start with " + kGenericIO + " or " + kNumpy);
  }
  spec.name = spec.store;
  for (std::string word; words >> word;) {
    set_option(spec.options, word);
    spec.name += " " + word;
  }
  return spec;
}

}  // namespace soastore::bench
