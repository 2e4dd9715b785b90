#include "stores/open_datasets.hpp"

#include <sys/resource.h>

#include <algorithm>

namespace soastore::stores {

std::size_t OpenDatasets::default_capacity() noexcept {
  constexpr std::size_t kMost = 64;
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY) return kMost;
  return std::clamp<std::size_t>(static_cast<std::size_t>(limit.rlim_cur / 4), 1, kMost);
}

genericio::Dataset& OpenDatasets::get(const std::string& key, const std::function<genericio::Dataset()>& open) {
  if (const auto found = by_key_.find(key); found != by_key_.end()) {
    entries_.splice(entries_.begin(), entries_, found->second);
    return found->second->second;
  }
  entries_.emplace_front(key, open());
  by_key_[key] = entries_.begin();
  if (entries_.size() > capacity_) {
    by_key_.erase(entries_.back().first);
    entries_.pop_back();
  }
  return entries_.front().second;
}

void OpenDatasets::forget(const std::string& key) noexcept {
  if (const auto found = by_key_.find(key); found != by_key_.end()) {
    entries_.erase(found->second);
    by_key_.erase(found);
  }
}

void OpenDatasets::clear() noexcept {
  by_key_.clear();
  entries_.clear();
}

}  // namespace soastore::stores
