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

// A number of bytes; the environment spells it as digits with an optional unit: k, m, g or t
// (KiB, MiB, GiB, TiB; "4GiB", "4G" and "4g" are the same), e.g. 268435456, 256m or 1.5GiB.
using ByteCount = std::uint64_t;

// An amount of memory per rank: none, a number of bytes, or a fraction of this rank's share of
// the memory it may use (the node's memory, or its memory cgroup's limit when lower, divided by
// the ranks on the node). Spelled "none", a byte count ("4GiB") or a fraction ("0.25" or "25%").
struct MemoryAmount {
  enum class Kind { None, Bytes, Fraction };
  Kind kind = Kind::None;
  ByteCount bytes = 0;  // Kind::Bytes
  double fraction = 0;  // Kind::Fraction, in (0, 1]

  [[nodiscard]] static MemoryAmount of_bytes(ByteCount bytes) { return {Kind::Bytes, bytes, 0}; }
  [[nodiscard]] static MemoryAmount share(double fraction) { return {Kind::Fraction, 0, fraction}; }
  [[nodiscard]] bool is_set() const noexcept { return kind != Kind::None; }
  friend bool operator==(const MemoryAmount&, const MemoryAmount&) = default;
};

// How the ranks share files, one file (a GenericIO sub-file, an npz archive) per group of ranks:
// all ranks in one file, the ranks of each node ("node", MPI_Comm_split_type shared), each rank
// its own ("rank"), or N consecutive ranks (an integer). Spelled "default" (GenericIOStore: all,
// NumpyStore: rank, the reference's files), "all", "node", "rank" or a positive integer.
struct FileGroups {
  enum class Kind { StoreDefault, All, Node, Rank, Consecutive };
  Kind kind = Kind::StoreDefault;
  int ranks = 0;  // Kind::Consecutive: ranks per file

  [[nodiscard]] static FileGroups of(Kind kind) { return {kind, 0}; }
  [[nodiscard]] static FileGroups consecutive(int ranks) { return {Kind::Consecutive, ranks}; }
  friend bool operator==(const FileGroups&, const FileGroups&) = default;
};

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
    "earlier writes finish (one value larger than it is still accepted when nothing else is in flight).") \
  X(MemoryAmount, memory_budget, MemoryAmount{},                                                        \
    "Bytes of values a store keeps in memory per rank (\"4GiB\"), or a fraction of this rank's share of "  \
    "the node's or memory cgroup's memory (\"25%\", 0.25). Values stay in memory while they fit; above "  \
    "the budget the least recently used are written to temporary_path in the background until "        \
    "spill_target of it is left, and a value larger than the budget goes straight to disk. No effect "  \
    "without a temporary_path (nowhere to spill). none: every value on disk (docs/budget.md).")         \
  X(double, spill_target, 0.8,                                                                          \
    "With memory_budget: spilling stops once the values left in memory fit in this fraction of the "    \
    "budget (hysteresis: one spill makes room for several sets).")                                      \
  X(MemoryAmount, memory_limit, MemoryAmount{},                                                         \
    "A hard limit on the bytes of values a store keeps in memory per rank, spelled as memory_budget: "  \
    "a set that would exceed it (after waiting for running spills) raises MemoryLimitExceeded and "     \
    "keeps the earlier value. none: no limit.")                                                          \
  X(FileGroups, file_groups, FileGroups{},                                                              \
    "Which ranks share a file per key: all (one file), node (one per node), rank (one per rank) or N "   \
    "(one per N consecutive ranks). GenericIOStore writes a GenericIO split file (a rank map plus one "  \
    "name#G sub-file per group), NumpyStore one npz archive per group whose members are named "        \
    "rank-000017/x.npy. default: all for GenericIOStore, rank for NumpyStore (the reference's files).")

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
// Defined for each option type (explicitly instantiated in src/stores/options.cpp).
template <class Type>
[[nodiscard]] Type parse_option_value(std::string_view option, std::string_view text);
// The text of a value, as the environment variable and the docs spell it.
template <class Type>
[[nodiscard]] std::string format_option_value(const Type& value);

// Every option, in declaration order.
[[nodiscard]] std::vector<OptionDescription> describe_options();

}  // namespace soastore
