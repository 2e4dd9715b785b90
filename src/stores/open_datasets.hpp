#pragma once
// A bounded cache of opened GenericIO files, per store: haccytrees calls get_field once per
// (field, step), and opening and closing the file each time is a metadata operation per call and
// rank, which a parallel file system's metadata server serves one at a time. The least recently
// used file is closed when the cache is full; the bound stays well within the descriptor limit
// (a store may hold many keys, and the application has descriptors of its own).
//
// An entry names the file's inode, not its path: a set replaces the file by a rename, so the
// storage forgets the key's entry on every overwrite and removal.

#include <cstddef>
#include <functional>
#include <list>
#include <map>
#include <string>
#include <utility>

#include "genericio/dataset.hpp"

namespace soastore::stores {

class OpenDatasets {
 public:
  // min(64, RLIMIT_NOFILE / 4), at least 1.
  [[nodiscard]] static std::size_t default_capacity() noexcept;

  explicit OpenDatasets(std::size_t capacity = default_capacity()) : capacity_(capacity) {}

  // The open dataset of `key`, opened with `open` when not cached (closing the least recently
  // used one beyond the capacity). `open`'s exception leaves the cache as it was.
  genericio::Dataset& get(const std::string& key, const std::function<genericio::Dataset()>& open);
  void forget(const std::string& key) noexcept;
  void clear() noexcept;
  [[nodiscard]] std::size_t size() const noexcept { return entries_.size(); }

 private:
  using Entry = std::pair<std::string, genericio::Dataset>;
  std::size_t capacity_;
  std::list<Entry> entries_;  // most recently used first
  std::map<std::string, std::list<Entry>::iterator, std::less<>> by_key_;
};

}  // namespace soastore::stores
