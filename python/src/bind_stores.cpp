// soastore._soastore.NativeGenericIOStore / NativeNumpyStore: the C++ stores behind the mapping
// classes of soastore/_stores.py, and NativeLazySoA, the value NativeNumpyStore.open returns
// (behind soastore/_lazy.py's NpzValue).
//
// Every operation releases the GIL while the store works (copies, file I/O, collective MPI), so
// other Python threads run meanwhile. A mutex per store keeps two Python threads from using one
// store at the same time; it is taken only after the GIL is released, so a thread waiting for it
// never blocks the GIL that a running operation may need (to drop a Python-owned buffer).

#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

#include <mutex>

#include "bindings.hpp"
#include "conversion.hpp"
#include "options.hpp"
#include "soastore/genericio_store.hpp"
#include "soastore/numpy_store.hpp"

namespace soastore::python {
namespace {

template <class Store>
class LockedStore {
 public:
  template <class... Args>
  explicit LockedStore(Args&&... args) : store_(std::forward<Args>(args)...) {}
  // Python destroys the object holding the GIL; a store with background writes waits for its
  // writer thread when it closes, and that thread may need the GIL to drop the last reference to
  // a numpy array. So close without the GIL; the store's destructor then has nothing to wait for.
  ~LockedStore() {
    if constexpr (requires(Store& store) { store.flush(); }) {
      if (PyGILState_Check() != 0) {
        py::gil_scoped_release release;
        const std::lock_guard lock(mutex_);
        store_.close();
      }
    }
  }
  LockedStore(const LockedStore&) = delete;
  LockedStore& operator=(const LockedStore&) = delete;

  // Runs `operation(store)` without the GIL, holding the store's mutex.
  template <class Operation>
  auto run(Operation&& operation) {
    py::gil_scoped_release release;
    const std::lock_guard lock(mutex_);
    return operation(store_);
  }

  // For what never changes after construction (box size, temporary path, a value's names).
  [[nodiscard]] const Store& unlocked() const noexcept { return store_; }

 private:
  std::mutex mutex_;
  Store store_;
};

using Fields = std::vector<std::string>;

template <class Store>
void bind_store_methods(py::class_<LockedStore<Store>>& store_class) {
  using Locked = LockedStore<Store>;
  store_class
      .def("set",
           [](Locked& self, const std::string& key, py::handle data) {
             const SoA soa = soa_from_python(data);  // needs the GIL; run() releases it after
             self.run([&](Store& store) { store.set(key, soa); });
           },
           py::arg("key"), py::arg("data"))
      .def("get",
           [](Locked& self, const std::string& key) {
             return soa_to_python(self.run([&](Store& store) { return store.get(key); }));
           },
           py::arg("key"))
      .def("get_field",
           [](Locked& self, const std::string& key, const Fields& fields) {
             return soa_to_python(self.run([&](Store& store) { return store.get_field(key, fields); }));
           },
           py::arg("key"), py::arg("fields"))
      .def("pop",
           [](Locked& self, const std::string& key) {
             return soa_to_python(self.run([&](Store& store) { return store.pop(key); }));
           },
           py::arg("key"))
      .def("remove", [](Locked& self, const std::string& key) { self.run([&](Store& store) { store.remove(key); }); },
           py::arg("key"))
      .def("contains", [](Locked& self, const std::string& key) { return self.run([&](Store& store) { return store.contains(key); }); },
           py::arg("key"))
      .def("keys", [](Locked& self) { return self.run([](Store& store) { return store.keys(); }); })
      .def("size", [](Locked& self) { return self.run([](Store& store) { return store.size(); }); })
      .def("flush", [](Locked& self) { self.run([](Store& store) { store.flush(); }); })
      .def("close", [](Locked& self) { self.run([](Store& store) { store.close(); }); })
      .def_property_readonly("temporary_path", [](const Locked& self) { return self.unlocked().temporary_path(); })
      .def_property_readonly("settings", [](const Locked& self) { return settings_to_python(self.unlocked().settings()); })
      .def("stats", [](Locked& self) {
        const StoreStats stats = self.run([](Store& store) { return store.stats(); });
        py::dict result;
#define SOASTORE_STAT_TO_PYTHON(Type, name, Description) result[#name] = stats.name;
        SOASTORE_STORE_STATS(SOASTORE_STAT_TO_PYTHON)
#undef SOASTORE_STAT_TO_PYTHON
        return result;
      });
}

void bind_lazy_soa(py::module_& module) {
  using Locked = LockedStore<LazySoA>;
  py::class_<Locked>(module, "NativeLazySoA")
      .def("names", [](const Locked& self) { return self.unlocked().names(); })
      .def("read",
           [](Locked& self, const std::string& name) {
             return array_to_python(self.run([&](LazySoA& value) { return value.at(name); }));
           },
           py::arg("name"))
      .def("close", [](Locked& self) { self.run([](LazySoA& value) { value.close(); }); })
      .def_property_readonly("closed", [](Locked& self) { return !self.run([](LazySoA& value) { return value.is_open(); }); });
}

}  // namespace

void bind_stores(py::module_& module) {
  using TemporaryPath = std::optional<std::filesystem::path>;

  // Options arrive as the keyword arguments the caller gave (soastore/_stores.py passes nothing
  // else, so that an option not given takes its environment variable).
  py::class_<LockedStore<GenericIOStore>> genericio(module, "NativeGenericIOStore");
  genericio
      .def(py::init([](const Partition& partition, double box_size, TemporaryPath path, const py::dict& options) {
             return std::make_unique<LockedStore<GenericIOStore>>(partition, box_size, std::move(path),
                                                                  options_from_python(options));
           }),
           py::arg("partition"), py::arg("box_size"), py::arg("temporary_path") = py::none(),
           py::arg("options") = py::dict())
      .def_property_readonly("box_size", [](const LockedStore<GenericIOStore>& self) { return self.unlocked().box_size(); });
  bind_store_methods(genericio);

  py::class_<LockedStore<NumpyStore>> numpy(module, "NativeNumpyStore");
  numpy.def(py::init([](const Partition& partition, TemporaryPath path, const py::dict& options) {
              return std::make_unique<LockedStore<NumpyStore>>(partition, std::move(path), options_from_python(options));
            }),
            py::arg("partition"), py::arg("temporary_path") = py::none(), py::arg("options") = py::dict());
  numpy.def(
      "open",
      [](LockedStore<NumpyStore>& self, const std::string& key, bool map) {
        return std::make_unique<LockedStore<LazySoA>>(
            self.run([&](NumpyStore& store) { return store.open(key, {.map = map}); }));
      },
      py::arg("key"), py::arg("mmap") = true);
  bind_store_methods(numpy);
  bind_lazy_soa(module);
}

}  // namespace soastore::python
