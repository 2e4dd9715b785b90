// pygio-style functions over soastore's own GenericIO and npz code: read_genericio,
// write_genericio, inspect_genericio, save_npz, load_npz. The GIL is released while files are
// read or written; arrays cross without copies (see conversion.hpp).

#include <pybind11/stl.h>
#include <pybind11/stl/filesystem.h>

#include "bindings.hpp"
#include "communicator.hpp"
#include "conversion.hpp"
#include "soastore/genericio_mpi.hpp"
#include "soastore/io_counters.hpp"
#include "soastore/npz.hpp"
#include "soastore/options.hpp"

namespace soastore::python {
namespace {

using Path = std::filesystem::path;
using Names = std::optional<std::vector<std::string>>;

std::array<double, 3> three_numbers(const std::vector<double>& values, const char* what) {
  if (values.size() != 3) {
    throw py::value_error(std::string(what) + " needs 3 numbers, got " + std::to_string(values.size()));
  }
  return {values[0], values[1], values[2]};
}

py::dict describe_variable(const genericio::VariableInfo& variable) {
  py::dict result;
  result["name"] = variable.name;
  result["dtype"] = dtype_to_python(variable.dtype);
  result["components"] = variable.components;
  result["flags"] = variable.flags;
  return result;
}

py::dict describe_rank(const genericio::RankInfo& rank) {
  py::dict result;
  result["coords"] = rank.coords;
  result["rows"] = rank.rows;
  result["global_rank"] = rank.global_rank;
  result["file"] = rank.file;
  return result;
}

py::dict describe_file(const genericio::FileInfo& info) {
  py::list variables;
  for (const auto& variable : info.variables) variables.append(describe_variable(variable));
  py::list ranks;
  for (const auto& rank : info.ranks) ranks.append(describe_rank(rank));
  py::dict result;
  result["path"] = info.path;
  result["big_endian"] = info.big_endian;
  result["total_rows"] = info.total_rows;
  result["dims"] = info.dims;
  result["phys_origin"] = info.phys_origin;
  result["phys_scale"] = info.phys_scale;
  result["variables"] = variables;
  result["ranks"] = ranks;
  result["block_headers"] = info.block_headers;
  result["compressed_blocks"] = info.compressed_blocks;
  result["subfiles"] = info.subfiles;
  return result;
}

}  // namespace

void bind_formats(py::module_& module) {
  module.def(
      "read_genericio",
      [](const Path& path, const Names& variables, py::handle comm, bool redistribute, const std::string& io) {
        const MPI_Comm communicator = comm_from_python(comm);
        const genericio::ReadOptions options{
            .mismatch = redistribute ? genericio::Mismatch::Redistribute : genericio::Mismatch::Disallowed,
            .io = parse_option_value<IoMode>("io", io)};
        SoA soa;
        {
          py::gil_scoped_release release;
          soa = genericio::read(communicator, path, variables, options);
        }
        return soa_to_python(soa);
      },
      py::arg("filename"), py::arg("variables") = py::none(), py::kw_only(), py::arg("comm") = py::none(),
      py::arg("redistribute") = true, py::arg("io") = "buffered");

  module.def(
      "write_genericio",
      [](const Path& path, py::handle data, const std::vector<double>& phys_scale,
         const std::vector<double>& phys_origin, py::handle comm, const std::string& io) {
        const MPI_Comm communicator = comm_from_python(comm);
        genericio::WriteOptions options;
        options.io = parse_option_value<IoMode>("io", io);
        options.phys_scale = three_numbers(phys_scale, "phys_scale");
        options.phys_origin = three_numbers(phys_origin, "phys_origin");
        const SoA soa = soa_from_python(data);
        py::gil_scoped_release release;
        genericio::write(communicator, path, soa, options);
      },
      py::arg("filename"), py::arg("data"), py::arg("phys_scale"),
      py::arg("phys_origin") = std::vector<double>{0.0, 0.0, 0.0}, py::kw_only(), py::arg("comm") = py::none(),
      py::arg("io") = "buffered");

  module.def(
      "inspect_genericio",
      [](const Path& path) {
        genericio::FileInfo info;
        {
          py::gil_scoped_release release;
          info = genericio::inspect(path);
        }
        return describe_file(info);
      },
      py::arg("filename"));

  module.def(
      "io_counters",
      [] {
        using namespace pybind11::literals;
        const IoCounters c = io_counters();
        return py::dict("opens"_a = c.opens, "renames"_a = c.renames, "removes"_a = c.removes,
                        "read_calls"_a = c.read_calls, "bytes_read"_a = c.bytes_read,
                        "write_calls"_a = c.write_calls, "bytes_written"_a = c.bytes_written,
                        "bytes_mapped"_a = c.bytes_mapped, "direct_read_calls"_a = c.direct_read_calls,
                        "bytes_read_direct"_a = c.bytes_read_direct);
      },
      "What soastore's file layer did in this process so far: a dict of opens, renames, removes,\n"
      "read_calls, bytes_read, write_calls, bytes_written, bytes_mapped (bytes of files memory-mapped\n"
      "instead of read), and direct_read_calls and bytes_read_direct (the reads that went through O_DIRECT).");

  module.def(
      "save_npz",
      [](const Path& path, py::handle data, const std::string& io) {
        const npz::SaveOptions options{.io = parse_option_value<IoMode>("io", io)};
        const SoA soa = soa_from_python(data);
        py::gil_scoped_release release;
        npz::save(path, soa, options);
      },
      py::arg("filename"), py::arg("data"), py::kw_only(), py::arg("io") = "buffered");

  module.def(
      "load_npz",
      [](const Path& path, const Names& fields, const std::string& io) {
        const npz::LoadOptions options{.io = parse_option_value<IoMode>("io", io)};
        SoA soa;
        {
          py::gil_scoped_release release;
          soa = npz::load(path, fields, options);
        }
        return soa_to_python(soa);
      },
      py::arg("filename"), py::arg("fields") = py::none(), py::kw_only(), py::arg("io") = "buffered");
}

}  // namespace soastore::python
