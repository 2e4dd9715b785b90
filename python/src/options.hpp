#pragma once
// Store options between Python and C++, generated from SOASTORE_STORE_OPTIONS
// (soastore/options.hpp): keyword arguments -> StoreOptions, StoreSettings -> dict, and the
// table the Python classes build their signatures and docstrings from.

#include <pybind11/pybind11.h>

#include "soastore/options.hpp"

namespace soastore::python {

// The options named in `given` ({name: value}, None meaning not given); TypeError for a name
// that is no option or a value of the wrong type.
StoreOptions options_from_python(const pybind11::dict& given);
pybind11::dict settings_to_python(const StoreSettings& settings);
// soastore._soastore.store_options(): [{name, type, default, environment_variable, description}].
void bind_options(pybind11::module_& module);

}  // namespace soastore::python
