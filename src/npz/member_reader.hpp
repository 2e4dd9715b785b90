#pragma once
// Loads one .npy member of a zip archive into an Array: reads its local header (to find where its
// data start), its npy header, and its data straight into a fresh Array a chunk at a time, each
// chunk checksummed as it arrives (or maps it), inflating deflated members directly into the
// Array. Checks the CRC-32 and every size.

#include "io/file.hpp"
#include "npz/zip_directory.hpp"
#include "soastore/array.hpp"
#include "soastore/npz.hpp"

namespace soastore::npz {

// `options.map`: map a stored, page-aligned, native, C-ordered member instead of reading it;
// `options.io`: whether a stored member that is read goes through O_DIRECT (by its data bytes).
Array read_member(io::File& file, const ZipMember& member, std::uint64_t members_end, const LoadOptions& options);

}  // namespace soastore::npz
