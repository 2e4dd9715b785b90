#include "options.hpp"

#include <pybind11/stl.h>

#include <iomanip>
#include <set>
#include <sstream>
#include <string>
#include <type_traits>

#include "bindings.hpp"

namespace soastore::python {
namespace {

// A bool option takes a Python bool, a byte count an int too, a fraction a float, a memory amount
// an int (bytes) or a float (a fraction), file groups an int (ranks per file); every option other
// than a bool takes its text (a str),
// parsed as its environment variable would be ("direct" for io, "1g", "25%").
template <class Type>
Type option_from_python(const char* name, const py::handle& value) {
  const bool is_int = py::isinstance<py::int_>(value) && !py::isinstance<py::bool_>(value);
  if constexpr (std::is_same_v<Type, bool>) {
    return value.cast<bool>();
  } else if constexpr (std::is_same_v<Type, double> || std::is_same_v<Type, MemoryAmount>) {
    if (py::isinstance<py::str>(value)) return parse_option_value<Type>(name, value.cast<std::string>());
    if constexpr (std::is_same_v<Type, MemoryAmount>) {
      if (is_int) return MemoryAmount::of_bytes(value.cast<ByteCount>());
    }
    if (!py::isinstance<py::float_>(value) && !is_int) throw py::cast_error("not a number");
    // Through the text, so that the range check (0, 1] is the environment variable's.
    std::ostringstream text;
    text << std::fixed << std::setprecision(17) << value.cast<double>();
    return parse_option_value<Type>(name, text.str());
  } else {
    if constexpr (std::is_integral_v<Type>) {
      if (is_int) return value.cast<Type>();
    }
    if constexpr (std::is_same_v<Type, FileGroups>) {
      if (is_int) return parse_option_value<Type>(name, std::to_string(value.cast<long long>()));
    }
    if (!py::isinstance<py::str>(value)) throw py::cast_error("not a str");
    return parse_option_value<Type>(name, value.cast<std::string>());
  }
}

template <class Type>
py::object option_to_python(const Type& value) {
  if constexpr (std::is_same_v<Type, bool>) {
    return py::bool_(value);
  } else if constexpr (std::is_integral_v<Type>) {
    return py::int_(value);
  } else if constexpr (std::is_same_v<Type, double>) {
    return py::float_(value);
  } else if constexpr (std::is_same_v<Type, MemoryAmount>) {
    switch (value.kind) {
      case MemoryAmount::Kind::Bytes: return py::int_(value.bytes);
      case MemoryAmount::Kind::Fraction: return py::float_(value.fraction);
      case MemoryAmount::Kind::None: break;
    }
    return py::none();
  } else if constexpr (std::is_same_v<Type, FileGroups>) {
    if (value.kind == FileGroups::Kind::Consecutive) return py::int_(value.ranks);
    if (value.kind == FileGroups::Kind::StoreDefault) return py::none();
    return py::str(format_option_value(value));
  } else {
    return py::str(format_option_value(value));
  }
}

}  // namespace

StoreOptions options_from_python(const py::dict& given) {
  StoreOptions options;
  std::set<std::string> known;
#define SOASTORE_OPTION_FROM_PYTHON(Type, name, Default, Description)                                    \
  known.insert(#name);                                                                                   \
  if (given.contains(#name) && !given[#name].is_none()) {                                                \
    try {                                                                                                \
      options.name = option_from_python<Type>(#name, given[#name]);                                      \
    } catch (const py::cast_error&) {                                                                    \
      throw py::type_error("option " #name " must be " #Type ", got " +                                  \
                           std::string(py::str(py::type::handle_of(given[#name]).attr("__name__"))));    \
    }                                                                                                    \
  }
  SOASTORE_STORE_OPTIONS(SOASTORE_OPTION_FROM_PYTHON)
#undef SOASTORE_OPTION_FROM_PYTHON
  for (const auto& [name, value] : given) {
    const auto text = py::str(name).cast<std::string>();
    if (known.count(text) == 0) throw py::type_error("unexpected keyword argument '" + text + "' (not a store option)");
  }
  return options;
}

py::dict settings_to_python(const StoreSettings& settings) {
  py::dict result;
#define SOASTORE_SETTING_TO_PYTHON(Type, name, Default, Description) result[#name] = option_to_python(settings.name);
  SOASTORE_STORE_OPTIONS(SOASTORE_SETTING_TO_PYTHON)
#undef SOASTORE_SETTING_TO_PYTHON
  return result;
}

void bind_options(py::module_& module) {
  module.def(
      "store_options",
      [] {
        using namespace pybind11::literals;
        py::list options;
        for (const OptionDescription& option : describe_options()) {
          options.append(py::dict("name"_a = option.name, "type"_a = option.type, "default"_a = option.default_value,
                                  "environment_variable"_a = option.environment_variable,
                                  "description"_a = option.description));
        }
        return options;
      },
      "Every store option: name, type, default, environment variable and description.");
}

}  // namespace soastore::python
