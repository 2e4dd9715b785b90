// soastore._soastore: the compiled half of the `soastore` package. The Python half
// (soastore/__init__.py, _partition.py, _stores.py) gives it the reference's interface.

#include "bindings.hpp"
#include "options.hpp"

PYBIND11_MODULE(_soastore, module) {
  using namespace soastore::python;
  module.doc() = "soastore's C++ core (use the `soastore` package, not this module)";
  import_mpi4py_api();
  bind_errors(module);
  bind_warnings(module);
  bind_partition(module);
  bind_options(module);
  bind_stores(module);
  bind_formats(module);
}
