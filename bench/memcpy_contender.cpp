#include "bench/memcpy_contender.hpp"

#include <cstring>

#include "soastore/errors.hpp"

namespace soastore::bench {

SoA copy_soa(const SoA& soa) {
  SoA copy;
  for (const auto& [name, array] : soa) {
    Array fresh = Array::allocate(array.dtype(), array.shape());
    if (array.nbytes() != 0) std::memcpy(fresh.data(), array.data(), array.nbytes());
    copy.insert(name, std::move(fresh));
  }
  return copy;
}

const SoA& MemcpyContender::stored(const std::string& key) const {
  const auto found = copies_.find(key);
  if (found == copies_.end()) throw KeyNotFound("memcpy baseline: key '" + key + "' not found");
  return found->second;
}

void MemcpyContender::set(const std::string& key, const SoA& soa) { copies_.insert_or_assign(key, copy_soa(soa)); }

SoA MemcpyContender::get(const std::string& key) { return copy_soa(stored(key)); }

SoA MemcpyContender::get_field(const std::string& key, const std::string& field) {
  return copy_soa(SoA{{field, stored(key).at(field)}});
}

SoA MemcpyContender::pop(const std::string& key) {
  SoA soa = get(key);
  copies_.erase(key);
  return soa;
}

void MemcpyContender::remove(const std::string& key) {
  (void)stored(key);
  copies_.erase(key);
}

}  // namespace soastore::bench
