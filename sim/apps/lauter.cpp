// The lauter command line: one executable with the subcommands run, info, export, tool, schema
// and report.
#include <lauter/sim/commands.hpp>
#include <lauter/sim/error.hpp>
#include <lauter/sim/progress.hpp>
#include <lauter/sim/task_farm.hpp>
#include <lauter/version.hpp>

#include <CLI/CLI.hpp>

#include <exception>
#include <iostream>
#include <new>

int main(int argc, char** argv) {
    using namespace lauter::sim;
    CLI::App app{
        "lauter simulates what a climate-adaptation or mobility measure will do before it is built:\n"
        "heat, cold air, heavy-rain runoff and mode choice on a city's terrain and streets.\n"
        "\n"
        "Typical use:\n"
        "  lauter run scenarios/kaiserslautern/baseline.yaml -o results/kl.h5\n"
        "  lauter info results/kl.h5\n"
        "  lauter export results/kl.h5 baseline/terrain/elevation -o elevation.tif\n"
        "  lauter report results/kl.h5 -o report/\n"
        "  lauter tool --list\n"
        "\n"
        "Exit codes: 0 success, 1 runtime failure, 2 bad input (scenario, option or file)."};
    app.set_version_flag("--version",
                         std::string(lauter::version_string) + " (git " + lauter::git_hash +
                             ", " + mpi_build_description() + ")");
    app.require_subcommand(1);
    bool quiet = false;
    app.add_flag("-q,--quiet", quiet, "Print only warnings and errors (no progress)");

    CommandAction action;
    add_run_command(app, action);
    add_batch_command(app, action);
    add_info_command(app, action);
    add_export_command(app, action);
    add_tool_command(app, action);
    add_schema_command(app, action);
    add_report_command(app, action);

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        const int rc = app.exit(e);
        return rc == 0 ? exit_ok : exit_bad_input;
    }
    set_quiet(quiet);
    try {
        // Under mpirun/srun, MPI lives as long as the command (batches spread over the ranks).
        const MpiSession mpi;
        return action ? action() : exit_ok;
    } catch (const ConfigError& e) {
        std::cerr << "lauter: error: " << e.what() << '\n';
        return exit_bad_input;
    } catch (const InputError& e) {
        std::cerr << "lauter: error: " << e.what() << '\n';
        return exit_bad_input;
    } catch (const std::bad_alloc&) {
        std::cerr << "lauter: error: out of memory; choose a coarser resolution or a smaller extent\n";
        return exit_runtime_failure;
    } catch (const std::exception& e) {
        std::cerr << "lauter: error: " << e.what() << '\n';
        return exit_runtime_failure;
    }
}
