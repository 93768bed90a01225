// `lauter report`: maps and the HTML report of a results file. The drawing is done by
// viz/report.py (matplotlib and h5py under Debian's /usr/bin/python3, docs/report.md); this
// command finds the script and the interpreter, checks the input and runs it.
#include <lauter/sim/commands.hpp>
#include <lauter/sim/error.hpp>
#include <lauter/sim/progress.hpp>

#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

extern char** environ;

namespace lauter::sim {

namespace {

namespace fs = std::filesystem;

struct ReportOptions {
    std::string results;
    std::string output;
    int jobs = 0;
    int dpi = 90;
};

std::string env_or_empty(const char* name) {
    const char* value = std::getenv(name);
    return value != nullptr ? std::string(value) : std::string();
}

/// The directory holding report.py: $LAUTER_VIZ_DIR if set; else the installed copy next to
/// the executable (<prefix>/bin/../share/lauter/viz); else the source tree configured by CMake.
fs::path find_viz_dir() {
    if (const std::string dir = env_or_empty("LAUTER_VIZ_DIR"); !dir.empty()) {
        if (!fs::is_regular_file(fs::path(dir) / "report.py")) {
            throw RuntimeFailure("LAUTER_VIZ_DIR is set to '" + dir +
                                 "' but there is no report.py in it; point it at the viz/ "
                                 "directory of lauter or unset it");
        }
        return dir;
    }
    std::error_code ec;
    const fs::path exe = fs::read_symlink("/proc/self/exe", ec);
    std::vector<fs::path> candidates;
    if (!ec) {
        candidates.push_back(exe.parent_path() / LAUTER_VIZ_INSTALL_RELATIVE_DIR);
    }
    candidates.emplace_back(LAUTER_VIZ_SOURCE_DIR);
    for (const fs::path& dir : candidates) {
        if (fs::is_regular_file(dir / "report.py", ec)) {
            return dir.lexically_normal();
        }
    }
    std::string tried;
    for (const fs::path& dir : candidates) {
        tried += (tried.empty() ? "" : ", ") + dir.lexically_normal().string();
    }
    throw RuntimeFailure("cannot find viz/report.py (looked in " + tried +
                         "); set LAUTER_VIZ_DIR to the viz/ directory of lauter");
}

/// Debian's interpreter, which has h5py, numpy and matplotlib; $LAUTER_PYTHON overrides it.
std::string python_interpreter() {
    std::string python = env_or_empty("LAUTER_PYTHON");
    if (python.empty()) {
        python = "/usr/bin/python3";
    }
    if (::access(python.c_str(), X_OK) != 0) {
        throw RuntimeFailure("the report needs Python 3 with h5py, numpy and matplotlib, but '" +
                             python +
                             "' is not an executable; install the Debian packages python3 "
                             "python3-h5py python3-numpy python3-matplotlib (scripts/deps.sh) "
                             "or set LAUTER_PYTHON");
    }
    return python;
}

/// Runs `argv` (no shell) with this process's stdout, stderr and environment; returns its exit
/// code (1 if it was killed by a signal).
int run_program(const std::vector<std::string>& argv) {
    std::vector<char*> args;
    args.reserve(argv.size() + 1);
    for (const std::string& a : argv) {
        args.push_back(const_cast<char*>(a.c_str()));
    }
    args.push_back(nullptr);
    pid_t pid = 0;
    const int rc = ::posix_spawn(&pid, args[0], nullptr, nullptr, args.data(), environ);
    if (rc != 0) {
        throw RuntimeFailure("cannot start '" + argv[0] + "': " + std::strerror(rc));
    }
    int status = 0;
    while (::waitpid(pid, &status, 0) < 0) {
        if (errno != EINTR) {
            throw RuntimeFailure("waiting for '" + argv[0] + "' failed: " + std::strerror(errno));
        }
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : exit_runtime_failure;
}

int report_command(const ReportOptions& o) {
    if (!fs::is_regular_file(o.results)) {
        throw InputError(o.results + ": no such results file; give the .h5 file written by "
                                     "`lauter run` or `lauter batch`");
    }
    const fs::path script = find_viz_dir() / "report.py";
    std::vector<std::string> argv{python_interpreter(), script.string(), o.results, "-o",
                                  o.output, "--dpi", std::to_string(o.dpi)};
    if (o.jobs > 0) {
        argv.emplace_back("--jobs");
        argv.push_back(std::to_string(o.jobs));
    }
    log_info("drawing the report of " + o.results + " with " + script.string());
    const int rc = run_program(argv);
    // report.py already printed why; its exit codes are the CLI's (1 runtime, 2 bad input).
    return rc == exit_ok || rc == exit_bad_input ? rc : exit_runtime_failure;
}

} // namespace

void add_report_command(CLI::App& app, CommandAction& action) {
    auto o = std::make_shared<ReportOptions>();
    CLI::App* cmd = app.add_subcommand(
        "report", "Draw every layer and difference as a map (PNG) and write an HTML report "
                  "(indicators, scenarios, provenance) of a results file; needs Python 3 with "
                  "h5py and matplotlib");
    cmd->add_option("RESULTS", o->results, "results file (HDF5) of lauter run or lauter batch")
        ->required();
    cmd->add_option("-o,--output", o->output,
                    "report directory (created; index.html, maps/ and report.css)")
        ->required();
    cmd->add_option("--jobs", o->jobs, "maps drawn in parallel (0: cores, at most 4)")
        ->check(CLI::Range(0, 64));
    cmd->add_option("--dpi", o->dpi, "map resolution in dots per inch")
        ->check(CLI::Range(40, 300))
        ->capture_default_str();
    cmd->callback([&action, o] { action = [o] { return report_command(*o); }; });
}

} // namespace lauter::sim
