#include "reliability_support.hpp"

#include <gtest/gtest.h>
#include <sys/mount.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdlib>
#include <cstring>

namespace soastore::testing {
namespace {

Faults active;

// EINTR first, then the injected error, else the real call moving at most max_transfer bytes.
template <class Call>
ssize_t faulty(int error_number, int& eintr_left, Call&& call) {
  if (eintr_left > 0) {
    --eintr_left;
    errno = EINTR;
    return -1;
  }
  eintr_left = active.eintr_before_each;
  if (error_number != 0) {
    errno = error_number;
    return -1;
  }
  return call(active.max_transfer);
}

int eintr_left = 0;

ssize_t faulty_pwrite(int fd, const void* buffer, size_t count, off_t offset) {
  return faulty(active.write_errno, eintr_left, [&](std::size_t most) {
    return io::os_system_calls().pwrite(fd, buffer, std::min(count, most), offset);
  });
}
// Short vectored transfers: only (part of) the first buffer moves.
ssize_t faulty_pwritev(int fd, const iovec* iov, int, off_t offset) {
  return faulty_pwrite(fd, iov[0].iov_base, iov[0].iov_len, offset);
}
ssize_t faulty_pread(int fd, void* buffer, size_t count, off_t offset) {
  return faulty(active.read_errno, eintr_left, [&](std::size_t most) {
    return io::os_system_calls().pread(fd, buffer, std::min(count, most), offset);
  });
}
ssize_t faulty_preadv(int fd, const iovec* iov, int, off_t offset) {
  return faulty_pread(fd, iov[0].iov_base, iov[0].iov_len, offset);
}
int faulty_rename(const char* from, const char* to) {
  if (active.rename_errno != 0) {
    errno = active.rename_errno;
    return -1;
  }
  return io::os_system_calls().rename(from, to);
}

// Broadcasts rank 0's text to every rank.
std::string from_rank_zero(std::string text) {
  int length = static_cast<int>(text.size());
  MPI_Bcast(&length, 1, MPI_INT, 0, MPI_COMM_WORLD);
  text.resize(static_cast<std::size_t>(length));
  MPI_Bcast(text.data(), length, MPI_CHAR, 0, MPI_COMM_WORLD);
  return text;
}

std::string make_temporary_directory() {
  std::string pattern = (std::filesystem::temp_directory_path() / "soastore-mount-XXXXXX").string();
  return mkdtemp(pattern.data()) == nullptr ? std::string() : pattern;
}

}  // namespace

SoA rank_soa(std::size_t rows, int seed) {
  const auto base = static_cast<std::int64_t>(1000000 * seed + 1000 * world_rank());
  std::vector<std::int64_t> id(rows);
  std::vector<float> x(rows);
  std::vector<double> mass(rows);
  for (std::size_t i = 0; i < rows; ++i) {
    id[i] = base + static_cast<std::int64_t>(i);
    x[i] = static_cast<float>(i) * 0.25f + static_cast<float>(seed);
    mass[i] = 1e10 * static_cast<double>(i + 1) + seed;
  }
  SoA soa;
  soa["id"] = Array::from(std::move(id));
  soa["x"] = Array::from(std::move(x));
  soa["mass"] = Array::from(std::move(mass));
  return soa;
}

void expect_same(const SoA& actual, const SoA& expected) {
  ASSERT_EQ(actual.names(), expected.names());
  for (const auto& [name, array] : expected) EXPECT_TRUE(equal(actual.at(name), array)) << name;
}

void expect_corrupt_on_last_rank(const std::filesystem::path& file, const std::function<void()>& read) {
  try {
    read();
    ADD_FAILURE() << "read a damaged block";
  } catch (const CorruptFile& e) {
    const std::string message = e.what();
    EXPECT_EQ(e.rank(), world_size() - 1) << message;
    EXPECT_EQ(e.path(), file.string()) << message;
    EXPECT_NE(message.find("key 'k'"), std::string::npos) << message;
    EXPECT_NE(message.find("rank " + std::to_string(world_size() - 1)), std::string::npos) << message;
  }
}

std::vector<std::string> listing(const std::filesystem::path& directory, MPI_Comm comm) {
  MPI_Barrier(comm);
  std::vector<std::string> names;
  for (const auto& entry : std::filesystem::directory_iterator(directory)) names.push_back(entry.path().filename());
  std::sort(names.begin(), names.end());
  MPI_Barrier(comm);
  return names;
}

bool any_partial_file(const std::filesystem::path& directory, MPI_Comm comm) {
  int found = 0;
  for (const std::string& name : listing(directory, comm)) found |= name.ends_with(".partial") ? 1 : 0;
  MPI_Allreduce(MPI_IN_PLACE, &found, 1, MPI_INT, MPI_MAX, comm);
  return found != 0;
}

InjectedFaults::InjectedFaults(const Faults& faults, bool here) : saved_(io::system_calls()) {
  if (!here) return;
  active = faults;
  eintr_left = faults.eintr_before_each;
  io::SystemCalls& calls = io::system_calls();
  calls.pwrite = faulty_pwrite;
  calls.pwritev = faulty_pwritev;
  calls.pread = faulty_pread;
  calls.preadv = faulty_preadv;
  calls.rename = faulty_rename;
}

InjectedFaults::~InjectedFaults() { io::system_calls() = saved_; }

bool mounting_disabled() {
  const char* value = std::getenv("SOASTORE_NO_MOUNT");
  return value != nullptr && std::string(value) == "1";
}

Mount Mount::tmpfs(const std::string& options) {
  Mount mount;
  std::string why;
  if (world_rank() == 0) {
    const std::string dir = make_temporary_directory();
    mount.path_ = dir;
    if (dir.empty()) {
      why = std::string("mkdtemp: ") + std::strerror(errno);
    } else if (::mount("tmpfs", dir.c_str(), "tmpfs", 0, options.c_str()) != 0) {
      why = "mount -t tmpfs -o " + options + " tmpfs " + dir + ": " + std::strerror(errno);
    }
  }
  mount.why_ = from_rank_zero(why);
  mount.path_ = from_rank_zero(mount.path_.string());
  mount.mounted_ = mount.why_.empty();
  return mount;
}

Mount Mount::read_only_bind(const std::filesystem::path& source) {
  Mount mount;
  std::string why;
  if (world_rank() == 0) {
    const std::string dir = make_temporary_directory();
    mount.path_ = dir;
    if (dir.empty()) {
      why = std::string("mkdtemp: ") + std::strerror(errno);
    } else if (::mount(source.c_str(), dir.c_str(), nullptr, MS_BIND, nullptr) != 0) {
      why = "mount --bind " + source.string() + " " + dir + ": " + std::strerror(errno);
    } else if (::mount(nullptr, dir.c_str(), nullptr, MS_BIND | MS_REMOUNT | MS_RDONLY, nullptr) != 0) {
      why = "mount -o remount,bind,ro " + dir + ": " + std::strerror(errno);
      umount2(dir.c_str(), MNT_DETACH);
    }
  }
  mount.why_ = from_rank_zero(why);
  mount.path_ = from_rank_zero(mount.path_.string());
  mount.mounted_ = mount.why_.empty();
  return mount;
}

Mount Mount::ext4_loop(std::size_t mebibytes) {
  Mount mount;
  std::string why;
  if (world_rank() == 0) {
    const std::string dir = make_temporary_directory();
    mount.path_ = dir;
    mount.image_ = dir + ".img";
    const std::string image = mount.image_.string();
    const std::string make = "truncate -s " + std::to_string(mebibytes) + "M " + image +
                             " && mkfs.ext4 -q -F -m 0 " + image + " >/dev/null 2>&1";
    const std::string attach = "mount -o loop " + image + " " + dir + " 2>&1";
    if (dir.empty()) {
      why = std::string("mkdtemp: ") + std::strerror(errno);
    } else if (std::system(make.c_str()) != 0) {
      why = "cannot make the ext4 image (" + make + ")";
    } else if (std::system(attach.c_str()) != 0) {
      why = "cannot mount the ext4 image (" + attach + ")";
    }
  }
  mount.why_ = from_rank_zero(why);
  mount.path_ = from_rank_zero(mount.path_.string());
  mount.mounted_ = mount.why_.empty();
  return mount;
}

bool loop_devices_available() { return std::filesystem::exists("/dev/loop-control"); }

Mount::Mount(Mount&& other) noexcept
    : path_(std::move(other.path_)), why_(std::move(other.why_)), mounted_(other.mounted_),
      image_(std::move(other.image_)) {
  other.mounted_ = false;
  other.path_.clear();
  other.image_.clear();
}

Mount::~Mount() {
  if (path_.empty()) return;
  MPI_Barrier(MPI_COMM_WORLD);
  if (world_rank() == 0) {
    if (mounted_ && !image_.empty()) {
      // A loop mount: umount(8) also detaches the loop device.
      const std::string detach = "umount " + path_.string();
      if (std::system(detach.c_str()) != 0) umount2(path_.c_str(), MNT_DETACH);
    } else if (mounted_) {
      umount2(path_.c_str(), MNT_DETACH);
    }
    rmdir(path_.c_str());
    if (!image_.empty()) std::filesystem::remove(image_);
  }
}

}  // namespace soastore::testing
