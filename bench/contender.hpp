#pragma once
// Whatever a workload measures: a store, or a baseline doing the same job with the least work
// the job allows (write() the bytes, read() them back, memcpy them). All take the same calls so
// a workload runs each contender through the same sequence on the same data.

#include <memory>
#include <string>
#include <vector>

#include "soastore/soa.hpp"

namespace soastore::bench {

class Contender {
 public:
  virtual ~Contender() = default;
  [[nodiscard]] virtual std::string name() const = 0;
  virtual void set(const std::string& key, const SoA& soa) = 0;
  [[nodiscard]] virtual SoA get(const std::string& key) = 0;
  [[nodiscard]] virtual SoA get_field(const std::string& key, const std::string& field) = 0;
  [[nodiscard]] virtual SoA pop(const std::string& key) = 0;
  virtual void remove(const std::string& key) = 0;
};

// A contender the workload could not build (a store without file storage yet): its row in the
// table says why instead of giving figures.
struct Unavailable {
  std::string name;
  std::string reason;
};

struct ContenderSet {
  std::vector<std::unique_ptr<Contender>> available;
  std::vector<Unavailable> unavailable;
};

}  // namespace soastore::bench
