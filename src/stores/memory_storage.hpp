#pragma once
// Keeps each value as the caller's SoA: handles to the caller's buffers, never copies.

#include <mpi.h>

#include <functional>
#include <map>

#include "stores/storage.hpp"

namespace soastore::stores {

class MemoryStorage final : public Storage {
 public:
  using Validator = std::function<void(const SoA&)>;

  // `validate` throws for an SoA this store refuses. With a communicator other than
  // MPI_COMM_NULL, writes agree on the outcome across its ranks (as the files would), so the
  // ranks of a collective store never disagree on which keys exist.
  MemoryStorage(Validator validate, MPI_Comm agree_over);

  void write(const std::string& key, const SoA& soa) override;
  SoA read(const std::string& key, const std::vector<std::string>* fields) override;
  void erase(const std::string& key) override;
  void discard(const std::string& key) noexcept override;

 private:
  Validator validate_;
  MPI_Comm agree_over_;
  std::map<std::string, SoA, std::less<>> values_;
};

// The named fields of `soa`, in the order asked; KeyNotFound naming the key and field otherwise.
SoA select_fields(const SoA& soa, const std::vector<std::string>& fields, const std::string& key);

}  // namespace soastore::stores
