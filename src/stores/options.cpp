#include "soastore/options.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <limits>
#include <sstream>
#include <string>

#include "soastore/errors.hpp"

namespace soastore {
namespace {

// Text -> value for each option type, as environment variables spell them; nothing when the
// text is no such value. And value -> text for help and docs, the inverse.
std::string lowercase(std::string_view text) {
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  return lower;
}

std::optional<bool> parse_value(std::string_view text, const bool* /*type*/) {
  const std::string lower = lowercase(text);
  if (lower == "1" || lower == "true" || lower == "yes" || lower == "on") return true;
  if (lower == "0" || lower == "false" || lower == "no" || lower == "off") return false;
  return std::nullopt;
}

const char* expected_text(const bool* /*type*/) { return "1, true, yes, on, 0, false, no or off"; }

std::optional<IoMode> parse_value(std::string_view text, const IoMode* /*type*/) {
  const std::string lower = lowercase(text);
  if (lower == "auto") return IoMode::Auto;
  if (lower == "buffered") return IoMode::Buffered;
  if (lower == "direct") return IoMode::Direct;
  return std::nullopt;
}

const char* expected_text(const IoMode* /*type*/) { return "auto, buffered or direct"; }

std::string format_value(bool value) { return value ? "true" : "false"; }

std::string format_value(IoMode value) {
  switch (value) {
    case IoMode::Buffered: return "buffered";
    case IoMode::Direct: return "direct";
    case IoMode::Auto: break;
  }
  return "auto";
}

// A decimal number without sign or exponent ("4", "1.5"), the whole of `text`; nothing otherwise.
// By hand rather than strtod: no locale, no "inf"/"nan"/hex, and the integer part stays exact.
struct Decimal {
  ByteCount whole = 0;
  double fraction = 0;  // the digits after the point, in [0, 1)
};

std::optional<Decimal> parse_decimal(std::string_view text) {
  Decimal number;
  std::size_t at = 0;
  for (; at < text.size() && text[at] >= '0' && text[at] <= '9'; ++at) {
    if (at >= 19) return std::nullopt;  // more than ByteCount holds
    number.whole = number.whole * 10 + static_cast<ByteCount>(text[at] - '0');
  }
  const std::size_t whole_digits = at;
  std::size_t fraction_digits = 0;
  if (at < text.size() && text[at] == '.') {
    double scale = 0.1;
    for (++at; at < text.size() && text[at] >= '0' && text[at] <= '9'; ++at, ++fraction_digits, scale /= 10) {
      number.fraction += scale * (text[at] - '0');
    }
  }
  if (at != text.size() || whole_digits + fraction_digits == 0) return std::nullopt;
  return number;
}

// "4GiB", "4G", "4g", "1.5gib", "512" (bytes); binary units throughout, as memory is counted.
std::optional<ByteCount> parse_value(std::string_view text, const ByteCount* /*type*/) {
  std::string lower = lowercase(text);
  std::string_view number = lower;
  for (const char* suffix : {"ib", "b"}) {
    const std::string_view end(suffix);
    if (number.size() > end.size() && number.substr(number.size() - end.size()) == end) {
      number.remove_suffix(end.size());
      break;
    }
  }
  int shift = 0;
  if (!number.empty()) {
    const std::string_view units = "kmgt";
    if (const std::size_t unit = units.find(number.back()); unit != std::string_view::npos) {
      shift = 10 * static_cast<int>(unit + 1);
      number.remove_suffix(1);
    }
  }
  const std::optional<Decimal> decimal = parse_decimal(number);
  if (!decimal) return std::nullopt;
  const ByteCount unit = ByteCount{1} << shift;
  if (decimal->whole > std::numeric_limits<ByteCount>::max() / unit - 1) return std::nullopt;
  return decimal->whole * unit + static_cast<ByteCount>(decimal->fraction * static_cast<double>(unit));
}

const char* expected_text(const ByteCount* /*type*/) {
  return "a number of bytes, optionally with a unit k, m, g or t (KiB ... TiB, e.g. 4GiB)";
}

// A fraction in (0, 1]: "0.25" or "25%".
std::optional<double> parse_fraction(std::string_view text) {
  const bool percent = !text.empty() && text.back() == '%';
  if (percent) text.remove_suffix(1);
  const std::optional<Decimal> decimal = parse_decimal(text);
  if (!decimal) return std::nullopt;
  const double value = (static_cast<double>(decimal->whole) + decimal->fraction) / (percent ? 100.0 : 1.0);
  if (!(value > 0.0 && value <= 1.0)) return std::nullopt;
  return value;
}

std::optional<double> parse_value(std::string_view text, const double* /*type*/) { return parse_fraction(text); }

const char* expected_text(const double* /*type*/) { return "a fraction in (0, 1], e.g. 0.8 or 80%"; }

std::string format_value(double value) {
  std::ostringstream text;
  text << value;
  return text.str();
}

// A byte count if it has a unit or is a whole number above 1, a fraction if it has a point or a
// percent sign and lies in (0, 1]: "1" is one byte, "1.0" and "100%" the whole share.
std::optional<MemoryAmount> parse_value(std::string_view text, const MemoryAmount* /*type*/) {
  const std::string lower = lowercase(text);
  if (lower == "none" || lower.empty()) return MemoryAmount{};
  if (lower.find_first_of(".%") != std::string::npos && lower.find_first_of("kmgtb") == std::string::npos) {
    if (std::optional<double> fraction = parse_fraction(lower)) return MemoryAmount::share(*fraction);
    return std::nullopt;
  }
  const ByteCount* bytes_type = nullptr;
  if (std::optional<ByteCount> bytes = parse_value(lower, bytes_type)) return MemoryAmount::of_bytes(*bytes);
  return std::nullopt;
}

const char* expected_text(const MemoryAmount* /*type*/) {
  return "none, a number of bytes with an optional unit (4GiB), or a fraction of the rank's memory (0.25 or 25%)";
}

std::string format_value(const MemoryAmount& value) {
  switch (value.kind) {
    case MemoryAmount::Kind::Bytes: return std::to_string(value.bytes);
    case MemoryAmount::Kind::Fraction: return format_value(value.fraction * 100.0) + "%";
    case MemoryAmount::Kind::None: break;
  }
  return "none";
}

std::string format_value(ByteCount value) { return std::to_string(value); }

std::optional<FileGroups> parse_value(std::string_view text, const FileGroups* /*type*/) {
  const std::string lower = lowercase(text);
  if (lower == "default" || lower.empty()) return FileGroups{};
  if (lower == "all") return FileGroups::of(FileGroups::Kind::All);
  if (lower == "node") return FileGroups::of(FileGroups::Kind::Node);
  if (lower == "rank") return FileGroups::of(FileGroups::Kind::Rank);
  const std::optional<Decimal> count = parse_decimal(lower);
  if (!count || count->fraction != 0 || lower.find('.') != std::string::npos || count->whole == 0 ||
      count->whole > static_cast<ByteCount>(std::numeric_limits<int>::max())) {
    return std::nullopt;
  }
  return FileGroups::consecutive(static_cast<int>(count->whole));
}

const char* expected_text(const FileGroups* /*type*/) {
  return "default, all, node, rank, or a positive number of consecutive ranks per file";
}

std::string format_value(const FileGroups& value) {
  switch (value.kind) {
    case FileGroups::Kind::All: return "all";
    case FileGroups::Kind::Node: return "node";
    case FileGroups::Kind::Rank: return "rank";
    case FileGroups::Kind::Consecutive: return std::to_string(value.ranks);
    case FileGroups::Kind::StoreDefault: break;
  }
  return "default";
}

std::string environment_variable(std::string_view option) {
  std::string name = "SOASTORE_";
  for (const char c : option) name += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return name;
}

template <class Type>
Type resolve_one(const std::optional<Type>& given, std::string_view option, const Type& fallback) {
  if (given) return *given;
  const std::string variable = environment_variable(option);
  const char* text = std::getenv(variable.c_str());
  if (text == nullptr) return fallback;
  const Type* type = nullptr;
  if (std::optional<Type> value = parse_value(text, type)) return *value;
  throw InvalidOption("environment variable " + variable + "='" + text + "' is not a valid value of option " +
                      std::string(option) + " (expected " + expected_text(type) + ")");
}

template <class Type>
Type parse_or_throw(std::string_view option, std::string_view text) {
  const Type* type = nullptr;
  if (std::optional<Type> value = parse_value(text, type)) return *value;
  throw InvalidOption("'" + std::string(text) + "' is not a valid value of option " + std::string(option) +
                      " (expected " + expected_text(type) + ")");
}

}  // namespace

template <class Type>
Type parse_option_value(std::string_view option, std::string_view text) {
  return parse_or_throw<Type>(option, text);
}

template <class Type>
std::string format_option_value(const Type& value) {
  return format_value(value);
}

// One instantiation per option type (and IoMode, which the read functions take too).
#define SOASTORE_INSTANTIATE_OPTION_TYPE(Type)                                        \
  template Type parse_option_value<Type>(std::string_view option, std::string_view text); \
  template std::string format_option_value<Type>(const Type& value);
SOASTORE_INSTANTIATE_OPTION_TYPE(bool)
SOASTORE_INSTANTIATE_OPTION_TYPE(IoMode)
SOASTORE_INSTANTIATE_OPTION_TYPE(ByteCount)
SOASTORE_INSTANTIATE_OPTION_TYPE(MemoryAmount)
SOASTORE_INSTANTIATE_OPTION_TYPE(double)
SOASTORE_INSTANTIATE_OPTION_TYPE(FileGroups)
#undef SOASTORE_INSTANTIATE_OPTION_TYPE

StoreSettings resolve_options(const StoreOptions& given) {
  StoreSettings settings;
#define SOASTORE_RESOLVE_OPTION(Type, name, Default, Description) \
  settings.name = resolve_one<Type>(given.name, #name, Default);
  SOASTORE_STORE_OPTIONS(SOASTORE_RESOLVE_OPTION)
#undef SOASTORE_RESOLVE_OPTION
  return settings;
}

std::vector<OptionDescription> describe_options() {
  std::vector<OptionDescription> options;
#define SOASTORE_DESCRIBE_OPTION(Type, name, Default, Description) \
  options.push_back({#name, #Type, format_value(Default), environment_variable(#name), Description});
  SOASTORE_STORE_OPTIONS(SOASTORE_DESCRIBE_OPTION)
#undef SOASTORE_DESCRIBE_OPTION
  return options;
}

}  // namespace soastore
