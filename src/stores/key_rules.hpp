#pragma once
// Which keys a store accepts. A key becomes part of a file name, so the rules keep every key a
// single, harmless path component; memory mode applies the same rules so that switching a path
// on never makes a working program fail. Keys need no rule against colliding with the store's
// own ".partial" temporaries: stores/file_names.hpp shows why no key can. On disk a key must also
// keep the file name within NAME_MAX (check_file_name_length there), which depends on the prefix.

#include <string_view>

namespace soastore::stores {

inline constexpr std::size_t kMaxKeyLength = 200;

// Throws InvalidKey saying why unless `key` is 1-200 bytes with no '/', '\\', NUL or other control
// character, and is not "." or "..".
void check_key(std::string_view key);

}  // namespace soastore::stores
