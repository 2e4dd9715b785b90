// A user's program built against the installed soastore: stores and reads back an SoA.
#include <soastore/soastore.hpp>

#include <cstdio>

int main() {
  soastore::Partition partition;  // initialises and finalises MPI by itself
  soastore::GenericIOStore store(partition, 1.0);
  store.set("step", soastore::SoA{{"x", soastore::Array::from(std::vector<float>{1.f, 2.f, 3.f})}});
  const auto x = store.get_field("step", "x").at("x").as<float>();
  const bool ok = x.size() == 3 && x[2] == 3.f;
  std::printf("consumer: %s\n", ok ? "ok" : "WRONG DATA");
  return ok ? 0 : 1;
}
