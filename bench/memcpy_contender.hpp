#pragma once
// The memory's limit: a store that keeps a copy of every array and hands out copies. What a
// disk store does in memory (fill a buffer it then writes, copy out of the page cache) costs at
// least this per byte.

#include <map>
#include <string>

#include "bench/contender.hpp"

namespace soastore::bench {

class MemcpyContender : public Contender {
 public:
  [[nodiscard]] std::string name() const override { return "memcpy"; }
  void set(const std::string& key, const SoA& soa) override;
  [[nodiscard]] SoA get(const std::string& key) override;
  [[nodiscard]] SoA get_field(const std::string& key, const std::string& field) override;
  [[nodiscard]] SoA pop(const std::string& key) override;
  void remove(const std::string& key) override;

 private:
  [[nodiscard]] const SoA& stored(const std::string& key) const;

  std::map<std::string, SoA> copies_;
};

// Every array of `soa` copied into freshly allocated memory.
[[nodiscard]] SoA copy_soa(const SoA& soa);

}  // namespace soastore::bench
