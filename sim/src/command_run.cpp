// `lauter run` and `lauter schema`.
#include <lauter/sim/commands.hpp>
#include <lauter/sim/progress.hpp>
#include <lauter/sim/run.hpp>
#include <lauter/sim/scenario.hpp>

#include <omp.h>

#include <iostream>
#include <memory>
#include <string>
#include <vector>

namespace lauter::sim {

void add_threads_option(CLI::App& cmd, int& threads) {
    cmd.add_option("--threads", threads, "OpenMP threads (0: all cores)")
        ->check(CLI::Range(0, 1024))
        ->capture_default_str();
}

void apply_thread_count(int threads) {
    if (threads > 0) {
        omp_set_num_threads(threads);
    }
}

namespace {

struct RunOptions {
    std::string scenario;
    std::string output;
    int threads = 0;
    std::vector<std::string> overrides;
};

int run_command(const RunOptions& o) {
    apply_thread_count(o.threads);
    const StepTimer timer;
    const Scenario scenario = load_scenario(o.scenario, o.overrides);
    const std::filesystem::path output =
        o.output.empty() ? std::filesystem::path(scenario.name + ".h5") : std::filesystem::path(o.output);
    log_info("scenario '" + scenario.name + "' from " + o.scenario + ", " +
             std::to_string(omp_get_max_threads()) + " threads");
    run_scenario(scenario, output);
    log_info("done in " + std::to_string(timer.seconds()) + " s: " + output.string());
    return 0;
}

} // namespace

void add_run_command(CLI::App& app, CommandAction& action) {
    auto o = std::make_shared<RunOptions>();
    CLI::App* cmd = app.add_subcommand(
        "run",
        "Run one scenario: prepare the study area (grid, DEM, land cover from OSM), run its models, "
        "write one HDF5 results file (replaced atomically when complete)");
    cmd->add_option("SCENARIO", o->scenario, "scenario file (YAML); see `lauter schema`")
        ->required();
    cmd->add_option("-o,--output", o->output,
                    "results file (HDF5, netCDF-4/CF layout); default: <scenario name>.h5");
    add_threads_option(*cmd, o->threads);
    cmd->add_option("--set", o->overrides,
                    "override one scenario key, validated like the file, e.g. "
                    "--set study_area.resolution_m=25 (repeatable)");
    cmd->callback([&action, o] { action = [o] { return run_command(*o); }; });
}

void add_schema_command(CLI::App& app, CommandAction& action) {
    app.add_subcommand("schema",
                       "Print every scenario key with its type, default, allowed range and meaning "
                       "(Markdown)")
        ->callback([&action] {
            action = [] {
                std::cout << schema_markdown();
                return 0;
            };
        });
}

} // namespace lauter::sim
