#pragma once
// Store options, each declared once in SOASTORE_STORE_OPTIONS. From that one list come
//  * StoreOptions, what a caller passes: every option unset unless given;
//  * StoreSettings, what a store runs with (resolve_options);
//  * one environment variable per option, SOASTORE_<NAME> (SOASTORE_KEEP_FILES=1), read when a
//    store is constructed, so a run can switch an option on for a pipeline that constructs its
//    stores itself (haccytrees passes the reference's three arguments); a value given in code wins;
//  * the Python keyword arguments of both stores, with their defaults and descriptions;
//  * the options table of docs/options.md (`soastore options --markdown`, checked by a test).
// A new option is one line here (plus, for a new value type, its parse and format functions in
// src/stores/options.cpp).

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "soastore/io_mode.hpp"

namespace soastore {

// A number of bytes; the environment spells it as digits with an optional k, m or g (KiB, MiB, GiB).
using ByteCount = std::uint64_t;

// X(Type, name, Default, Description)
#define SOASTORE_STORE_OPTIONS(X)                                                                       \
  X(bool, keep_files, false,                                                                            \
    "Leave the store's files on disk when it is closed or destroyed, e.g. to read them later with "     \
    "the GenericIO or npz functions (by default a store deletes every file it created).")               \
  X(IoMode, io, IoMode::Auto,                                                                           \
    "How files are written and read: buffered (through the page cache), direct (O_DIRECT through "      \
    "aligned buffers; silently buffered where the file system refuses it; mapped reads stay mapped) "   \
    "or auto (direct when a rank writes or reads at least 16 MiB, buffered below).")                    \
  X(bool, background, false,                                                                            \
    "Write files on a background thread: set returns once the write is queued (GenericIOStore agrees "  \
    "on rows and offsets first) and holds the caller's arrays, without a copy, until they are written; " \
    "remove deletes files in the background too. Reads of a key still being written wait for it. "     \
    "Errors are raised by the next call or by flush(), on every rank for GenericIOStore "               \
    "(docs/reliability.md). No effect in memory mode.")                                                 \
  X(ByteCount, background_bytes, ByteCount{256} << 20,                                                  \
    "With background: the bytes of arrays in flight per rank; a set that would exceed it waits until "  \
    "earlier writes finish (one value larger than it is still accepted when nothing else is in flight).")

struct StoreOptions {
#define SOASTORE_OPTION_FIELD(Type, name, Default, Description) std::optional<Type> name{};
  SOASTORE_STORE_OPTIONS(SOASTORE_OPTION_FIELD)
#undef SOASTORE_OPTION_FIELD
};

struct StoreSettings {
#define SOASTORE_SETTING_FIELD(Type, name, Default, Description) Type name = Default;
  SOASTORE_STORE_OPTIONS(SOASTORE_SETTING_FIELD)
#undef SOASTORE_SETTING_FIELD
};

// The settings of a store constructed with `given`: each option as given, else as its environment
// variable says, else its default. InvalidOption naming the variable for a malformed value.
[[nodiscard]] StoreSettings resolve_options(const StoreOptions& given);

// One option, described for help texts, the Python bindings and the docs.
struct OptionDescription {
  std::string name;                  // keep_files
  std::string type;                  // bool
  std::string default_value;         // false (as the environment variable would spell it)
  std::string environment_variable;  // SOASTORE_KEEP_FILES
  std::string description;
};

// An option's value from its text as the environment variable spells it (the Python bindings
// parse non-bool values given as str with it too); InvalidOption naming `option` otherwise.
template <class Type>
[[nodiscard]] Type parse_option_value(std::string_view option, std::string_view text);
template <>
[[nodiscard]] bool parse_option_value<bool>(std::string_view option, std::string_view text);
template <>
[[nodiscard]] IoMode parse_option_value<IoMode>(std::string_view option, std::string_view text);
template <>
[[nodiscard]] ByteCount parse_option_value<ByteCount>(std::string_view option, std::string_view text);
// The text of a value, as the environment variable and the docs spell it.
[[nodiscard]] std::string format_option_value(bool value);
[[nodiscard]] std::string format_option_value(IoMode value);
[[nodiscard]] std::string format_option_value(ByteCount value);

// Every option, in declaration order.
[[nodiscard]] std::vector<OptionDescription> describe_options();

}  // namespace soastore
