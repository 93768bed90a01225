// The lauter command line: one executable, subcommands run/info/export/tool.
#include <lauter/sim/error.hpp>
#include <lauter/sim/progress.hpp>
#include <lauter/version.hpp>

#include <CLI/CLI.hpp>

#include <exception>
#include <iostream>
#include <new>

int main(int argc, char** argv) {
    using namespace lauter::sim;
    CLI::App app{"lauter: what a climate-adaptation or mobility measure will do, before it is built."};
    app.set_version_flag("--version", std::string(lauter::version_string) + " (" + lauter::git_hash + ")");
    app.require_subcommand(1);
    bool quiet = false;
    app.add_flag("-q,--quiet", quiet, "print only warnings and errors");
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        const int rc = app.exit(e);
        return rc == 0 ? exit_ok : exit_bad_input;
    }
    set_quiet(quiet);
    try {
        return exit_ok;
    } catch (const ConfigError& e) {
        std::cerr << "lauter: error: " << e.what() << '\n';
        return exit_bad_input;
    } catch (const InputError& e) {
        std::cerr << "lauter: error: " << e.what() << '\n';
        return exit_bad_input;
    } catch (const std::bad_alloc&) {
        std::cerr << "lauter: error: out of memory; use a coarser resolution or a smaller extent\n";
        return exit_runtime_failure;
    } catch (const std::exception& e) {
        std::cerr << "lauter: error: " << e.what() << '\n';
        return exit_runtime_failure;
    }
}
