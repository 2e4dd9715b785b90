#include "soastore/options.hpp"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <limits>
#include <string>

#include "soastore/errors.hpp"

namespace soastore {
namespace {

// Text -> value for each option type, as environment variables spell them; nothing when the
// text is no such value. And value -> text for help and docs, the inverse.
std::optional<bool> parse_value(std::string_view text, const bool* /*type*/) {
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  if (lower == "1" || lower == "true" || lower == "yes" || lower == "on") return true;
  if (lower == "0" || lower == "false" || lower == "no" || lower == "off") return false;
  return std::nullopt;
}

const char* expected_text(const bool* /*type*/) { return "1, true, yes, on, 0, false, no or off"; }

std::optional<IoMode> parse_value(std::string_view text, const IoMode* /*type*/) {
  std::string lower(text);
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
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

std::optional<ByteCount> parse_value(std::string_view text, const ByteCount* /*type*/) {
  if (text.empty()) return std::nullopt;
  ByteCount unit = 1;
  switch (std::tolower(static_cast<unsigned char>(text.back()))) {
    case 'k': unit = ByteCount{1} << 10; break;
    case 'm': unit = ByteCount{1} << 20; break;
    case 'g': unit = ByteCount{1} << 30; break;
    default: break;
  }
  if (unit != 1) text.remove_suffix(1);
  if (text.empty() || text.size() > 19) return std::nullopt;
  ByteCount value = 0;
  for (const char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<ByteCount>(c - '0');
  }
  if (value > std::numeric_limits<ByteCount>::max() / unit) return std::nullopt;
  return value * unit;
}

const char* expected_text(const ByteCount* /*type*/) { return "a number of bytes, optionally with k, m or g"; }

std::string format_value(ByteCount value) { return std::to_string(value); }

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

template <>
bool parse_option_value<bool>(std::string_view option, std::string_view text) {
  return parse_or_throw<bool>(option, text);
}
template <>
IoMode parse_option_value<IoMode>(std::string_view option, std::string_view text) {
  return parse_or_throw<IoMode>(option, text);
}
template <>
ByteCount parse_option_value<ByteCount>(std::string_view option, std::string_view text) {
  return parse_or_throw<ByteCount>(option, text);
}
std::string format_option_value(bool value) { return format_value(value); }
std::string format_option_value(IoMode value) { return format_value(value); }
std::string format_option_value(ByteCount value) { return format_value(value); }

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
