#pragma once
// Collective error agreement. Inside a collective operation one rank may fail (invalid data, a
// full disk, a corrupt block) while the others succeed; if the failing rank simply threw, the
// others would wait for it forever. Instead every rank runs its part, then all agree: if any rank
// failed, every rank throws the same error class with the message of the lowest failing rank.

#include <mpi.h>

#include <exception>
#include <functional>
#include <span>

namespace soastore::mpi {

// MPI_Allreduce in place that lets the core go while it waits for the other ranks: after a 1 ms
// spin it sleeps between MPI_Tests. The rounds that follow a rank's share of a write (agreeing on
// its outcome) find the ranks finishing at different times, and OpenMPI's blocking collectives
// poll at 100 % of a core meanwhile: CPU time that the pipeline, and a store's own writer thread
// sleeping in the kernel, can use. A rank arriving after the spin is noticed within 0.5 ms.
void allreduce_in_place(void* buffer, int count, MPI_Datatype type, MPI_Op op, MPI_Comm comm);

// Waits, with allreduce_in_place's patience, for nonblocking collectives started together: one
// round, whose latency is the slowest of them, where waiting for each in turn would be several.
// For rounds where ranks arrive at different times (the agreement after a rank's share of a
// write).
void wait_patiently(std::span<MPI_Request> requests);

// Waits for nonblocking collectives started together, driving MPI's progress all the time
// (MPI_Waitall), as a blocking collective does. For rounds the ranks reach together (a write's
// plan, right after each rank's own checks): a nonblocking collective advances its ⌈log2 P⌉
// internal steps only while its rank is in MPI, so sleeping between tests delays every step
// (the demo's sets ran 20-35% slower on 64 oversubscribed ranks with wait_patiently).
void wait_promptly(std::span<MPI_Request> requests);

// Runs `local_part` on this rank, then agrees with all ranks of `comm` on the outcome (one
// MPI_Allreduce when everyone succeeded). Rethrows the first failure on every rank.
void run_collectively(MPI_Comm comm, const std::function<void()>& local_part);

// Agrees on an outcome already captured (null: this rank succeeded).
void agree_on_error(MPI_Comm comm, const std::exception_ptr& local_error);

// agree_on_error in two steps, so that its reduction can run in one round with other nonblocking
// collectives (one wait_patiently for all of them): the constructor starts the MPI_Iallreduce,
// `request()` joins the caller's wait, and finish(), once the request completed, throws the
// agreed error (the failing rank's details then cost a broadcast: only failures pay for it).
class ErrorAgreement {
 public:
  ErrorAgreement(MPI_Comm comm, std::exception_ptr local_error);
  ErrorAgreement(const ErrorAgreement&) = delete;  // MPI holds the address of the reduction's buffer
  ErrorAgreement& operator=(const ErrorAgreement&) = delete;
  [[nodiscard]] MPI_Request& request() noexcept { return request_; }
  void finish();

 private:
  MPI_Comm comm_;
  std::exception_ptr local_error_;
  int rank_ = 0;
  int first_failing_ = 0;
  MPI_Request request_ = MPI_REQUEST_NULL;
};

}  // namespace soastore::mpi
