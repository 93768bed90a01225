#include "test_support.hpp"

#include <lauter/sim/batch.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <system_error>

namespace lauter::test {

namespace fs = std::filesystem;

TempDir::TempDir(const std::string& label) {
    static std::atomic<unsigned> counter{0};
    const auto base = fs::temp_directory_path();
    for (int attempt = 0; attempt < 100; ++attempt) {
        auto candidate = base / ("lauter-" + label + "-" + std::to_string(getpid()) + "-" +
                                 std::to_string(counter.fetch_add(1)));
        // create_directory reports false for an existing directory: a leftover of an earlier
        // process with the same id is never reused.
        if (fs::create_directory(candidate)) {
            path_ = candidate;
            return;
        }
    }
    throw std::runtime_error("cannot create a temporary directory under " + base.string());
}

TempDir::~TempDir() {
    // Owner permissions back on every directory and file, top-down, so that a chmod-000
    // directory is fixed before the walk opens it. Symbolic links are left alone (the walk does
    // not follow them). Nothing here may throw: a failed walk ends early, remove_all does what
    // it can.
    std::error_code ignored;
    fs::permissions(path_, fs::perms::owner_all, fs::perm_options::add, ignored);
    std::error_code walk;
    for (fs::recursive_directory_iterator it(path_, walk), end; !walk && it != end;
         it.increment(walk)) {
        if (!it->is_symlink(ignored)) {
            fs::permissions(it->path(), fs::perms::owner_all, fs::perm_options::add, ignored);
        }
    }
    fs::remove_all(path_, ignored);
}

fs::path TempDir::write(const fs::path& relative, const std::string& text) const {
    const fs::path file = path_ / relative;
    write_text_file(file, text);
    return file;
}

std::vector<std::string> TempDir::entries() const {
    std::vector<std::string> names;
    for (const auto& entry : fs::directory_iterator(path_)) {
        names.push_back(entry.path().filename().string());
    }
    std::sort(names.begin(), names.end());
    return names;
}

std::string shell_quote(const std::string& text) {
    std::string quoted = "'";
    for (char c : text) {
        if (c == '\'') {
            quoted += "'\\''";
        } else {
            quoted += c;
        }
    }
    quoted += "'";
    return quoted;
}

std::string read_text_file(const fs::path& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw std::runtime_error("cannot open " + path.string() + " for reading");
    }
    std::ostringstream ss;
    ss << in.rdbuf();
    return ss.str();
}

void write_text_file(const fs::path& path, const std::string& content) {
    if (path.has_parent_path()) {
        fs::create_directories(path.parent_path());
    }
    std::ofstream out(path, std::ios::binary);
    out << content;
    out.close();
    if (!out) {
        throw std::runtime_error("cannot write " + path.string());
    }
}

CommandResult run_command(const std::string& command) {
    const TempDir capture("capture");
    const auto out_path = capture / "stdout";
    const auto err_path = capture / "stderr";
    const std::string full = "( " + command + " ) >" + shell_quote(out_path.string()) + " 2>" +
                             shell_quote(err_path.string()) + " </dev/null";
    const int status = std::system(full.c_str());
    CommandResult result;
    result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    result.out = read_text_file(out_path);
    result.err = read_text_file(err_path);
    return result;
}

CommandResult run_python(const fs::path& script, const std::vector<std::string>& arguments) {
    // Appended piece by piece: `"literal" + std::string` trips a false -Wrestrict in GCC 12.
    std::string command = "/usr/bin/python3 ";
    command += shell_quote(script.string());
    for (const std::string& argument : arguments) {
        command += ' ';
        command += shell_quote(argument);
    }
    return run_command(command);
}

fs::path source_dir() { return LAUTER_SOURCE_DIR; }
fs::path lauter_executable() { return LAUTER_EXECUTABLE; }

kernels::GridSpec make_grid(std::size_t rows, std::size_t cols, double cell_size_x_m,
                            double cell_size_y_m, double x0, double y0,
                            const std::string& crs_wkt) {
    kernels::GridSpec g;
    g.rows = rows;
    g.cols = cols;
    g.cell_size_x_m = cell_size_x_m;
    g.cell_size_y_m = cell_size_y_m;
    g.x0 = x0;
    g.y0 = y0;
    g.crs_wkt = crs_wkt;
    return g;
}

std::string lauter_command() { return shell_quote(lauter_executable().string()); }

CommandResult run_lauter_scenario(const std::filesystem::path& scenario,
                                  const std::filesystem::path& out,
                                  const std::string& extra_arguments) {
    return run_command(lauter_command() + " run " + shell_quote(scenario.string()) + " -o " +
                       shell_quote(out.string()) +
                       (extra_arguments.empty() ? "" : " " + extra_arguments));
}

std::map<std::string, std::string> batch_task_fingerprints(const std::filesystem::path& batch_file,
                                                           const std::filesystem::path& parts_dir,
                                                           const std::string& model) {
    const sim::Batch batch = sim::load_batch(batch_file);
    sim::BatchSession session(parts_dir, true);
    std::map<std::string, std::string> fingerprints;
    for (const sim::BatchMember& member : batch.members) {
        const sim::MemberReport report = session.run_member(member);
        if (!report.ok) {
            throw std::runtime_error("batch member " + member.name + " failed: " + report.error);
        }
        for (const sim::TaskReport& task : report.tasks) {
            if (task.model == model) {
                fingerprints[member.name] = task.fingerprint;
            }
        }
    }
    return fingerprints;
}

std::filesystem::path kaiserslautern_input(const std::string& name) {
    return source_dir() / "inputs" / "kaiserslautern" / name;
}

std::string city_centre_inputs_yaml() {
    return "inputs:\n"
           "  osm: " + kaiserslautern_input("kaiserslautern_cc.osm.gz").string() + "\n"
           "  dem: " + kaiserslautern_input("terrain_illustrative.tif").string() + "\n"
           "  dem_kind: illustrative\n";
}

std::string city_centre_mobility_scenario(const std::string& name,
                                          const std::string& modifications) {
    return "name: " + name + "\n" +
           "study_area:\n"
           "  crs: EPSG:25832\n"
           "  extent_from: osm\n"
           "  resolution_m: 10\n" +
           city_centre_inputs_yaml() +
           "models:\n"
           "  terrain: {enabled: false}\n"
           "  mobility:\n"
           "    enabled: true\n"
           "    zones: {size_m: 250}\n"
           "    demand: {mean_trip_km: 0.45}\n"
           "modifications:\n" +
           modifications;
}

std::string mpiexec_prefix(int ranks) {
    const std::string mpiexec = LAUTER_MPIEXEC;
    if (mpiexec.empty()) {
        return {};
    }
    return "OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 "
           "OMPI_MCA_rmaps_base_oversubscribe=1 OMPI_MCA_btl_vader_single_copy_mechanism=none " +
           shell_quote(mpiexec) + " -np " + std::to_string(ranks) + " ";
}

} // namespace lauter::test
