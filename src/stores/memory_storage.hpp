#pragma once
// Keeps each value as the caller's SoA: handles to the caller's buffers, never copies.

#include <functional>
#include <map>

#include "soastore/partition.hpp"

#include "soastore/store.hpp"

namespace soastore::stores {

class MemoryStorage final : public Storage {
 public:
  using Validator = std::function<void(const SoA&)>;

  // Whether the ranks agree on every write's outcome (as a collective file storage's ranks do).
  enum class Agreement { PerRank, Collective };

  // `validate` throws for an SoA this store refuses. With Agreement::Collective, writes agree on
  // the outcome across the partition's ranks, so the ranks of a collective store never disagree
  // on which keys exist.
  MemoryStorage(Validator validate, Partition partition, Agreement agreement);

  [[nodiscard]] bool collective() const noexcept override { return agreement_ == Agreement::Collective; }
  void write(const std::string& key, const SoA& soa) override;
  SoA read(const std::string& key, const std::vector<std::string>* fields) override;
  void erase(const std::string& key) override;
  void discard(const std::string& key) noexcept override;
  void add_stats(StoreStats& stats) const override;

 private:
  Validator validate_;
  Partition partition_;
  Agreement agreement_;
  std::map<std::string, SoA, std::less<>> values_;
  std::uint64_t bytes_ = 0;  // of values_
  std::uint64_t peak_bytes_ = 0;
};

// The named fields of `soa`, in the order asked; KeyNotFound naming the key and field otherwise.
SoA select_fields(const SoA& soa, const std::vector<std::string>& fields, const std::string& key);

}  // namespace soastore::stores
