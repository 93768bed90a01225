// `lauter batch`.
#include <lauter/sim/batch.hpp>
#include <lauter/sim/commands.hpp>
#include <lauter/sim/error.hpp>
#include <lauter/sim/progress.hpp>

#include <omp.h>

#include <memory>
#include <string>

namespace lauter::sim {

namespace {

struct BatchCommandOptions {
    std::string batch_file;
    std::string output;
    int threads = 0;
    bool no_reuse = false;
    bool keep_parts = false;
    bool quiet = false;
};

int batch_command(const BatchCommandOptions& o) {
    if (o.quiet) {
        set_quiet(true);
    }
    apply_thread_count(o.threads);
    const Batch batch = load_batch(o.batch_file);
    BatchOptions options;
    options.results = o.output.empty() ? std::filesystem::path(batch.name + ".h5")
                                       : std::filesystem::path(o.output);
    if (options.results.parent_path().empty()) {
        options.results = std::filesystem::path(".") / options.results;
    }
    options.reuse = !o.no_reuse;
    options.keep_parts = o.keep_parts;
    log_info("batch '" + batch.name + "' from " + o.batch_file + ": " +
             std::to_string(batch.members.size()) + " members, " +
             std::to_string(omp_get_max_threads()) + " threads" +
             (options.reuse ? "" : ", reuse off"));
    const std::vector<MemberReport> reports = run_batch(batch, options);
    int failed = 0;
    for (const MemberReport& r : reports) {
        if (!r.ok) {
            log_warning("batch: member '" + r.name + "' failed: " + r.error);
            ++failed;
        }
    }
    if (failed > 0) {
        log_warning("batch: " + std::to_string(failed) + " member(s) failed; the others are in " +
                    options.results.string() + "; fix them and run the batch again (finished "
                    "tasks are kept in " + batch_parts_dir(options.results).string() + ")");
        return exit_runtime_failure;
    }
    return exit_ok;
}

} // namespace

void add_batch_command(CLI::App& app, CommandAction& action) {
    auto o = std::make_shared<BatchCommandOptions>();
    CLI::App* cmd = app.add_subcommand(
        "batch",
        "Run a batch: the base scenario (member 'baseline'), further scenarios and parameter "
        "sweeps from one batch file (YAML; see docs/batches.md). Results equal between members "
        "are computed once; finished tasks are kept in <results>.parts so that a killed batch "
        "resumes where it stopped; at the end one HDF5 file holds every member, the difference "
        "layers against the baseline and the indicator table per district (also as "
        "<results>.indicators.csv).\n\n"
        "Batch file keys: batch (name), description, base (scenario file), set (KEY=VALUE list "
        "for every member), districts (file + name_field, or grid_m; default 1000 m squares), "
        "scenarios (name, description, set, modifications), sweeps (name, from, vary, values).");
    cmd->add_option("BATCH", o->batch_file, "batch file (YAML)")->required();
    cmd->add_option("-o,--output", o->output, "results file (HDF5); default: <batch name>.h5");
    add_threads_option(*cmd, o->threads);
    cmd->add_flag("--no-reuse", o->no_reuse,
                  "compute every task, even where an identical result exists");
    cmd->add_flag("--keep-parts", o->keep_parts,
                  "keep the part files (<results>.parts) after assembling");
    cmd->add_flag("-q,--quiet", o->quiet, "print only warnings and errors");
    cmd->callback([&action, o] { action = [o] { return batch_command(*o); }; });
}

} // namespace lauter::sim
