#include "soastore/warnings.hpp"

#include <cstdio>
#include <mutex>
#include <utility>

namespace soastore {
namespace {

std::mutex handler_mutex;
WarningHandler installed_handler;  // empty: stderr

}  // namespace

WarningHandler set_warning_handler(WarningHandler handler) {
  const std::lock_guard lock(handler_mutex);
  return std::exchange(installed_handler, std::move(handler));
}

void warn(const std::string& message) noexcept {
  WarningHandler handler;
  {
    const std::lock_guard lock(handler_mutex);
    handler = installed_handler;
  }
  try {
    if (handler) {
      handler(message);
      return;
    }
  } catch (...) {
    return;
  }
  std::fprintf(stderr, "soastore: warning: %s\n", message.c_str());
}

}  // namespace soastore
