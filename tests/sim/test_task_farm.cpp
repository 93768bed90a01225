// The task farm that spreads batch members over processes (issue 8): serially in one process, and
// over MPI ranks, where this test binary is started again under mpiexec to run the hidden child
// test case "[.mpi_farm_child]" on every rank.
#include "../support/test_support.hpp"

#include <lauter/sim/task_farm.hpp>

#include <catch2/catch.hpp>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <string>
#include <thread>

using lauter::sim::make_task_farm;
using lauter::sim::MpiSession;
using lauter::sim::TaskFarm;
using lauter::sim::FarmReport;

namespace {

constexpr std::size_t child_task_count = 24;
constexpr std::size_t child_key_count = 5;

/// What every rank of the child job does: runs the tasks it is given (task 0 sleeps 1.5 s, the
/// others 5 ms), claims the key of each task (task % 5) and reports; task 7 fails.
void run_farm_child(const std::filesystem::path& out_dir) {
    const MpiSession session;
    std::unique_ptr<TaskFarm> farm = make_task_farm(child_task_count);
    std::ostringstream log;
    while (const std::optional<std::size_t> task = farm->next_task()) {
        std::this_thread::sleep_for(std::chrono::milliseconds(*task == 0 ? 1500 : 5));
        const std::string key = "key" + std::to_string(*task % child_key_count);
        const bool granted = farm->claim(key);
        log << *task << " " << key << " " << (granted ? 1 : 0) << "\n";
        FarmReport outcome;
        outcome.task = *task;
        outcome.ok = *task != 7;
        outcome.message = outcome.ok ? "" : "task 7 failed on purpose";
        outcome.seconds = 0.001 * static_cast<double>(*task);
        farm->report(outcome);
    }
    const std::vector<FarmReport> reports = farm->finish();
    lauter::test::write_text_file(out_dir / ("rank" + std::to_string(farm->rank()) + ".txt"),
                                  log.str());
    if (farm->rank() == 0) {
        std::ostringstream text;
        for (const FarmReport& r : reports) {
            text << r.task << " " << (r.ok ? 1 : 0) << " " << r.rank << " " << r.seconds << " "
                 << r.message << "\n";
        }
        lauter::test::write_text_file(out_dir / "reports.txt", text.str());
    }
}

} // namespace

TEST_CASE("serial task farm: every task once, every key granted once, reports sorted",
          "[task_farm]") {
    std::unique_ptr<TaskFarm> farm = make_task_farm(4);
    CHECK(farm->rank() == 0);
    CHECK(farm->size() == 1);
    std::vector<std::size_t> seen;
    while (const std::optional<std::size_t> task = farm->next_task()) {
        seen.push_back(*task);
    }
    CHECK(seen == std::vector<std::size_t>{0, 1, 2, 3});
    CHECK(farm->claim("a"));
    CHECK_FALSE(farm->claim("a"));
    CHECK(farm->claim("b"));
    farm->report({3, true, "", 0.5, 0, ""});
    farm->report({1, false, "broken", 0.1, 0, ""});
    const std::vector<FarmReport> reports = farm->finish();
    REQUIRE(reports.size() == 2);
    CHECK(reports[0].task == 1);
    CHECK(reports[0].message == "broken");
    CHECK(reports[1].task == 3);
}

TEST_CASE("task farm child process (started by the MPI test under mpiexec)",
          "[.mpi_farm_child]") {
    const char* out_dir = std::getenv("LAUTER_FARM_TEST_DIR");
    REQUIRE(out_dir != nullptr);
    run_farm_child(out_dir);
}

TEST_CASE("MPI task farm over 3 ranks: dynamic, each task and key once, reports on rank 0",
          "[task_farm][mpi]") {
    const std::string mpiexec = lauter::test::mpiexec_prefix(3);
    if (mpiexec.empty()) {
        WARN("lauter was built without MPI (libopenmpi-dev not found): MPI farm test skipped");
        return;
    }
    const lauter::test::TempDir dir("task-farm");
    const std::string self = std::filesystem::read_symlink("/proc/self/exe").string();
    const lauter::test::CommandResult run = lauter::test::run_command(
        "LAUTER_FARM_TEST_DIR=" + lauter::test::shell_quote(dir.path().string()) + " " + mpiexec +
        lauter::test::shell_quote(self) + " '[.mpi_farm_child]'");
    INFO(run.out << run.err);
    REQUIRE(run.exit_code == 0);

    std::map<std::size_t, int> task_rank;
    std::map<std::string, int> grants;
    std::map<int, std::size_t> tasks_per_rank;
    for (int rank = 0; rank < 3; ++rank) {
        std::istringstream lines(
            lauter::test::read_text_file(dir / ("rank" + std::to_string(rank) + ".txt")));
        std::size_t task = 0;
        std::string key;
        int granted = 0;
        while (lines >> task >> key >> granted) {
            CHECK(task_rank.count(task) == 0);
            task_rank[task] = rank;
            grants[key] += granted;
            ++tasks_per_rank[rank];
        }
    }
    CHECK(task_rank.size() == child_task_count);
    REQUIRE(grants.size() == child_key_count);
    for (const auto& [key, count] : grants) {
        CHECK(count == 1);
    }
    // Dynamic self-scheduling: while one rank sleeps 1.5 s in task 0, the other two run the 23
    // short tasks, so the rank with task 0 runs few of them (a static split would give it 8).
    CHECK(tasks_per_rank[task_rank[0]] <= 3);

    std::istringstream reports(lauter::test::read_text_file(dir / "reports.txt"));
    std::string line;
    std::size_t expected_task = 0;
    while (std::getline(reports, line)) {
        std::istringstream fields(line);
        std::size_t task = 0;
        int ok = 0;
        int rank = -1;
        fields >> task >> ok >> rank;
        CHECK(task == expected_task);
        CHECK(rank == task_rank[task]);
        CHECK(ok == (task == 7 ? 0 : 1));
        if (task == 7) {
            CHECK(line.find("task 7 failed on purpose") != std::string::npos);
        }
        ++expected_task;
    }
    CHECK(expected_task == child_task_count);
}
