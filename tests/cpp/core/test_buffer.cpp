// The allocation rule of result buffers (src/core/buffer.hpp): small buffers are plain, unpadded
// malloc blocks that a read-drop loop can reuse; large ones are huge-page-aligned mappings of
// exactly their page-rounded size, never padded to whole 2 MiB pages.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#if defined(__GLIBC__)
#include <malloc.h>
#endif

#include "core/buffer.hpp"
#include "soastore/array.hpp"

using soastore::Array;
using soastore::DType;
using soastore::detail::allocate_buffer;
using soastore::detail::buffer_layout;
using soastore::detail::kHugePageSize;
using soastore::detail::kHugePageThreshold;

namespace {

std::uintptr_t address_of(const void* p) { return reinterpret_cast<std::uintptr_t>(p); }

}  // namespace

TEST(BufferLayout, SmallBuffersAreNotRoundedOrAlignedBeyondMalloc) {
  for (std::size_t nbytes : {std::size_t{1}, std::size_t{4000}, std::size_t{4097}, std::size_t{906'664},
                             kHugePageThreshold - 1}) {
    const auto layout = buffer_layout(nbytes);
    EXPECT_FALSE(layout.huge_pages) << nbytes;
    EXPECT_EQ(layout.reserved, nbytes) << nbytes;
    EXPECT_EQ(layout.alignment, alignof(std::max_align_t)) << nbytes;
  }
  EXPECT_EQ(buffer_layout(0).reserved, 1u);  // never a null pointer
}

TEST(BufferLayout, LargeBuffersUseHugePagesWithoutPaddingToThem) {
  for (std::size_t nbytes : {kHugePageThreshold, kHugePageThreshold + 1, std::size_t{100'000'007}}) {
    const auto layout = buffer_layout(nbytes);
    EXPECT_TRUE(layout.huge_pages) << nbytes;
    EXPECT_EQ(layout.alignment, kHugePageSize) << nbytes;
    EXPECT_EQ(layout.reserved % 4096, 0u) << nbytes;
    EXPECT_GE(layout.reserved, nbytes) << nbytes;
    EXPECT_LT(layout.reserved, nbytes + 4096) << nbytes;  // a 4 KiB page at most, not 2 MiB
  }
}

TEST(Buffer, AllocationsFollowTheLayout) {
  for (std::size_t nbytes : {std::size_t{0}, std::size_t{24}, std::size_t{4097}, std::size_t{906'664},
                             kHugePageThreshold + 12345}) {
    const auto layout = buffer_layout(nbytes);
    std::shared_ptr<std::byte> buffer = allocate_buffer(nbytes);
    ASSERT_NE(buffer.get(), nullptr) << nbytes;
    EXPECT_EQ(address_of(buffer.get()) % layout.alignment, 0u) << nbytes;
    std::memset(buffer.get(), 0x5a, layout.reserved);  // all of it is usable
#if defined(__GLIBC__)
    // A heap block is the size asked for (malloc's 16-byte granule aside), not a 4 KiB multiple
    // (glibc itself serves blocks above its mmap threshold, 128 KiB or more, in whole pages).
    if (!layout.huge_pages && nbytes > 0 && nbytes < (std::size_t{64} << 10)) {
      EXPECT_LT(malloc_usable_size(buffer.get()), nbytes + 64) << nbytes;
    }
#endif
  }
}

TEST(Buffer, ArrayAllocateUsesTheRule) {
  Array small = Array::allocate(DType::Float64, {113'333});
  EXPECT_EQ(address_of(small.data()) % alignof(std::max_align_t), 0u);
  Array large = Array::allocate(DType::Float32, {(kHugePageThreshold / 4) + 3});
  EXPECT_EQ(address_of(large.data()) % kHugePageSize, 0u);
  large.as<float>().back() = 1.0f;  // the last element is mapped
}

// The regression of issue 10: reading one column per step and dropping the previous result (the
// merger tree's output loop) while small objects made meanwhile live on. With 4 KiB-aligned
// blocks, each freed result left a hole too small for the next one and the heap grew by about
// a result per few steps (27 MiB over these 300 steps); with plain blocks it stays at the two
// results alive at once.
TEST(Buffer, ReadDropLoopReusesTheHeap) {
#if defined(__GLIBC__)
  {
    // Any program that has freed a block of a few MiB has raised glibc's mmap threshold past
    // the results' size, so they come from the heap (as in the Python pipeline).
    void* volatile block = std::malloc(std::size_t{3} << 20);
    std::memset(block, 1, std::size_t{3} << 20);
    std::free(block);
  }
  const std::size_t result_bytes = 113'333 * 8;  // 3.4 M rows over 30 steps, int64
  const std::size_t arena_before = mallinfo2().arena;
  if (arena_before == 0) GTEST_SKIP() << "malloc statistics unavailable (sanitizer allocator)";
  std::vector<std::unique_ptr<std::string>> kept;
  Array previous;
  for (int step = 0; step < 300; ++step) {
    Array next = Array::allocate(DType::Int64, {result_bytes / 8});
    next.as<std::int64_t>()[0] = step;
    kept.push_back(std::make_unique<std::string>(100, 'x'));
    previous = next;
  }
  const std::size_t grown = mallinfo2().arena - arena_before;
  EXPECT_LT(grown, 6 * result_bytes) << "the heap grew by " << grown << " bytes over 300 steps";
#else
  GTEST_SKIP() << "needs glibc's malloc statistics";
#endif
}
