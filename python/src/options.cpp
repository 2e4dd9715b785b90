#include "options.hpp"

#include <pybind11/stl.h>

#include <set>
#include <string>

#include "bindings.hpp"

namespace soastore::python {

StoreOptions options_from_python(const py::dict& given) {
  StoreOptions options;
  std::set<std::string> known;
#define SOASTORE_OPTION_FROM_PYTHON(Type, name, Default, Description)                                    \
  known.insert(#name);                                                                                   \
  if (given.contains(#name) && !given[#name].is_none()) {                                                \
    try {                                                                                                \
      options.name = given[#name].cast<Type>();                                                          \
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
#define SOASTORE_SETTING_TO_PYTHON(Type, name, Default, Description) result[#name] = settings.name;
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
