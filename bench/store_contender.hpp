#pragma once
// A GenericIOStore or NumpyStore as a contender: each call is the store's own.

#include <string>
#include <utility>

#include "bench/contender.hpp"

namespace soastore::bench {

template <class Store>
class StoreContender : public Contender {
 public:
  StoreContender(std::string name, Store store) : name_(std::move(name)), store_(std::move(store)) {}

  [[nodiscard]] std::string name() const override { return name_; }
  void set(const std::string& key, const SoA& soa) override { store_.set(key, soa); }
  [[nodiscard]] SoA get(const std::string& key) override { return store_.get(key); }
  [[nodiscard]] SoA get_field(const std::string& key, const std::string& field) override {
    return store_.get_field(key, field);
  }
  [[nodiscard]] SoA pop(const std::string& key) override { return store_.pop(key); }
  void remove(const std::string& key) override { store_.remove(key); }

 private:
  std::string name_;
  Store store_;
};

}  // namespace soastore::bench
