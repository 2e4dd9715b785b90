#include "background_support.hpp"

#include <mpi.h>

#include <condition_variable>
#include <mutex>

#include "soastore/genericio_mpi.hpp"
#include "stores/file_names.hpp"
#include "mpi/file_groups.hpp"
#include "stores/genericio_file_storage.hpp"
#include "stores/npz_file_storage.hpp"
#include "support/mpi_world.hpp"

namespace soastore::testing {
namespace {

// The gate's state: plain function pointers in the system-call table cannot capture. `entered`
// counts calls that reached the gate.
struct GateState {
  std::mutex mutex;
  std::condition_variable changed;
  bool open = true;
  int entered = 0;
};
GateState gate_state;

void pass_gate() {
  std::unique_lock lock(gate_state.mutex);
  ++gate_state.entered;
  gate_state.changed.notify_all();
  gate_state.changed.wait(lock, [] { return gate_state.open; });
}
ssize_t gated_pwrite(int fd, const void* buffer, size_t count, off_t offset) {
  pass_gate();
  return io::os_system_calls().pwrite(fd, buffer, count, offset);
}
ssize_t gated_pwritev(int fd, const iovec* iov, int count, off_t offset) {
  pass_gate();
  return io::os_system_calls().pwritev(fd, iov, count, offset);
}
int gated_unlink(const char* path) {
  pass_gate();
  return io::os_system_calls().unlink(path);
}

}  // namespace

ClosedGate::ClosedGate() : saved_(io::system_calls()) {
  {
    const std::lock_guard lock(gate_state.mutex);
    gate_state.open = false;
    gate_state.entered = 0;
  }
  io::SystemCalls calls = io::os_system_calls();
  calls.pwrite = gated_pwrite;
  calls.pwritev = gated_pwritev;
  calls.unlink = gated_unlink;
  io::system_calls() = calls;  // before any job is queued: the queue's mutex orders it
}

ClosedGate::~ClosedGate() {
  open();
  io::system_calls() = saved_;
}

void ClosedGate::wait_entered() {
  std::unique_lock lock(gate_state.mutex);
  gate_state.changed.wait(lock, [] { return gate_state.entered > 0; });
}

void ClosedGate::open() {
  const std::lock_guard lock(gate_state.mutex);
  gate_state.open = true;
  gate_state.changed.notify_all();
}

GenericIOStore GenericIOKind::make(const Partition& partition, const std::filesystem::path& prefix,
                                   const StoreOptions& options) {
  return GenericIOStore(partition, 1.0, prefix, options);
}
GenericIOStore GenericIOKind::make_in_memory(const Partition& partition, const StoreOptions& options) {
  return GenericIOStore(partition, 1.0, std::nullopt, options);
}
std::unique_ptr<stores::StagedStorage> GenericIOKind::storage(const Partition& partition,
                                                             const std::filesystem::path& prefix) {
  return std::make_unique<stores::GenericIOFileStorage>(partition, 1.0, prefix, IoMode::Buffered,
                                                        mpi::FileGroup(partition.comm(), mpi::GroupBy::All));
}
std::filesystem::path GenericIOKind::file(const std::filesystem::path& prefix, const std::string& key) {
  return stores::genericio_file_name(prefix, key);
}
bool GenericIOKind::unlinks_here() { return world_rank() == 0; }
SoA GenericIOKind::read_file(const std::filesystem::path& file) { return genericio::read(MPI_COMM_WORLD, file); }

NumpyStore NumpyKind::make(const Partition& partition, const std::filesystem::path& prefix,
                           const StoreOptions& options) {
  return NumpyStore(partition, prefix, options);
}
NumpyStore NumpyKind::make_in_memory(const Partition& partition, const StoreOptions& options) {
  return NumpyStore(partition, std::nullopt, options);
}
std::unique_ptr<stores::StagedStorage> NumpyKind::storage(const Partition& /*partition*/,
                                                         const std::filesystem::path& prefix) {
  return std::make_unique<stores::NpzFileStorage>(prefix, world_rank());
}
std::filesystem::path NumpyKind::file(const std::filesystem::path& prefix, const std::string& key) {
  return stores::npz_file_name(prefix, key, world_rank());
}
SoA NumpyKind::read_file(const std::filesystem::path& file) { return npz::load(file); }

bool exists_everywhere(const std::filesystem::path& file) {
  MPI_Barrier(MPI_COMM_WORLD);
  const bool exists = std::filesystem::exists(file);
  MPI_Barrier(MPI_COMM_WORLD);
  return exists;
}

}  // namespace soastore::testing
