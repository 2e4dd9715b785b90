// Whole processes: a writer killed with SIGKILL mid-write leaves files that `soastore clean
// PREFIX` removes, and only those (decoys with similar names stay); a store destroyed after
// MPI_Finalize neither hangs nor fails and still deletes its files.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <string>
#include <thread>
#include <vector>

#include "reliability_support.hpp"
#include "support/test_paths.hpp"

using namespace soastore::testing;

namespace {

extern "C" char** environ;

// The environment minus what ties a process to our own MPI job (mpiexec's and the singleton's
// PMIx variables): the child starts as an MPI singleton of its own.
std::vector<std::string> child_environment() {
  std::vector<std::string> kept;
  for (char** entry = environ; *entry != nullptr; ++entry) {
    const std::string text = *entry;
    if (text.starts_with("PMIX_") || text.starts_with("OMPI_COMM_") || text.starts_with("OMPI_UNIVERSE") ||
        text.starts_with("OMPI_FIRST") || text.starts_with("OMPI_APP") || text.starts_with("OMPI_NUM_APP") ||
        text.starts_with("OMPI_FILE_LOCATION") || text.starts_with("OMPI_MCA_ess") ||
        text.starts_with("OMPI_MCA_orte") || text.starts_with("OMPI_MCA_pmix") || text.starts_with("OMPI_MCA_initial")) {
      continue;
    }
    kept.push_back(text);
  }
  return kept;
}

pid_t start(const std::vector<std::string>& arguments) {
  std::vector<std::string> environment = child_environment();
  const pid_t pid = fork();
  if (pid == 0) {
    std::vector<char*> argv, envp;
    for (const std::string& a : arguments) argv.push_back(const_cast<char*>(a.c_str()));
    argv.push_back(nullptr);
    for (const std::string& e : environment) envp.push_back(const_cast<char*>(e.c_str()));
    envp.push_back(nullptr);
    execve(argv[0], argv.data(), envp.data());
    _exit(127);
  }
  return pid;
}

// Exit status of `pid`, waiting at most `limit`; kills it and fails when it takes longer.
int finish(pid_t pid, std::chrono::seconds limit) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  int status = 0;
  while (waitpid(pid, &status, WNOHANG) == 0) {
    if (std::chrono::steady_clock::now() > deadline) {
      kill(pid, SIGKILL);
      waitpid(pid, &status, 0);
      ADD_FAILURE() << "process " << pid << " hung";
      return -1;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return status;
}

bool has_partial(const std::filesystem::path& dir) {
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().string().ends_with(".partial")) return true;
  }
  return false;
}

std::vector<std::string> names_in(const std::filesystem::path& dir) { return listing(dir, MPI_COMM_SELF); }

TEST(Processes, CleanRemovesWhatAKilledWriterLeftAndNothingElse) {
  ScratchDir scratch(MPI_COMM_SELF);
  const std::filesystem::path prefix = scratch / "run";
  const std::vector<std::string> decoys = {
      "run_k.tmp.gio.bak",     "run_k.tmp.rank-x.npz",  "run_k.tmp.rank-01.npz", "runX_k.tmp.gio",
      "other_k.tmp.gio",       "run_.tmp.gio",          "run_k.tmp.npz",         "run_k.tmp.gio.partial.old",
      "notes.txt",             "run_k.gio",
  };
  for (const std::string& name : decoys) std::ofstream(scratch / name) << "decoy";
  std::filesystem::create_directory(scratch / "run_dir.tmp.gio");  // a directory is never ours

  const pid_t writer = start({SOASTORE_STORE_WRITER, "loop", prefix.string()});
  ASSERT_GT(writer, 0);
  // Kill it while a ".partial" exists: in the middle of writing a value.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  bool caught = false;
  while (!caught && std::chrono::steady_clock::now() < deadline) {
    caught = has_partial(scratch.path());
    if (!caught) std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  kill(writer, SIGKILL);
  int status = 0;
  waitpid(writer, &status, 0);
  ASSERT_TRUE(caught) << "the writer never wrote a .partial file";
  ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
  const std::vector<std::string> left = names_in(scratch.path());
  EXPECT_GT(left.size(), decoys.size() + 1);  // the killed run's files are there

  const int clean = finish(start({SOASTORE_CLI, "clean", prefix.string()}), std::chrono::seconds(60));
  ASSERT_TRUE(WIFEXITED(clean) && WEXITSTATUS(clean) == 0) << clean;
  std::vector<std::string> expected = decoys;
  expected.push_back("run_dir.tmp.gio");
  std::sort(expected.begin(), expected.end());
  EXPECT_EQ(names_in(scratch.path()), expected);
}

// With the background option the writer threads write while the caller goes on: a SIGKILL in
// the middle must leave no half-written file under a final name (only ".partial" files are ever
// incomplete), and `soastore clean` removes what is left.
TEST(Processes, KilledDuringBackgroundWritesLeavesOnlyCompleteFinalFiles) {
  ScratchDir scratch(MPI_COMM_SELF);
  const std::filesystem::path prefix = scratch / "run";
  const pid_t writer = start({SOASTORE_STORE_WRITER, "background", prefix.string()});
  ASSERT_GT(writer, 0);
  const std::filesystem::path big_gio = scratch / "run_big.tmp.gio";
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  bool caught = false;
  // Kill it while a ".partial" exists after a final "big" file appeared: a later write is running.
  while (!caught && std::chrono::steady_clock::now() < deadline) {
    caught = std::filesystem::exists(big_gio) && has_partial(scratch.path());
    if (!caught) std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  kill(writer, SIGKILL);
  int status = 0;
  waitpid(writer, &status, 0);
  ASSERT_TRUE(caught) << "the writer never wrote a .partial file after a final one";
  ASSERT_TRUE(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL);
  for (const std::string& name : names_in(scratch.path())) {
    const std::filesystem::path file = scratch / name;
    if (name.ends_with(".gio")) {
      EXPECT_TRUE(soastore::genericio::verify(file).problems.empty()) << name << " is visible but incomplete";
    } else if (name.ends_with(".npz")) {
      EXPECT_NO_THROW((void)soastore::npz::load(file)) << name << " is visible but incomplete";
    }
  }
  const int clean = finish(start({SOASTORE_CLI, "clean", prefix.string()}), std::chrono::seconds(60));
  ASSERT_TRUE(WIFEXITED(clean) && WEXITSTATUS(clean) == 0) << clean;
  EXPECT_EQ(names_in(scratch.path()), std::vector<std::string>{});
}

TEST(Processes, DestructionAfterMpiFinalizeDeletesFilesWithoutHanging) {
  ScratchDir scratch(MPI_COMM_SELF);
  const int status =
      finish(start({SOASTORE_STORE_WRITER, "finalize", (scratch / "run").string()}), std::chrono::seconds(120));
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
  EXPECT_EQ(names_in(scratch.path()), std::vector<std::string>{});
}

}  // namespace
