#pragma once
// The one place for helpers shared by the tests: a temporary directory that cleans up after
// itself, running a command or a Python script with its exit code and output, the paths of the
// repository and the built executable, whole-file reads and writes, small grids and the message
// of an expected ConfigError. Helpers that need GDAL live in gdal_fixtures.hpp, so that tests
// without GDAL do not include its headers.

#include <lauter/kernels/grid.hpp>
#include <lauter/sim/error.hpp>
#include <lauter/sim/scenario.hpp>

#include <cstddef>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

namespace lauter::test {

/// A fresh directory under the system temporary directory, removed with its content on
/// destruction. Permissions are restored first, so that files a test made unreadable
/// (chmod 000) are removed as well.
class TempDir {
public:
    /// `label` becomes part of the directory name, to tell the directories of tests apart.
    explicit TempDir(const std::string& label = "test");
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    ~TempDir();

    [[nodiscard]] const std::filesystem::path& path() const noexcept { return path_; }
    [[nodiscard]] std::filesystem::path operator/(const std::filesystem::path& relative) const {
        return path_ / relative;
    }
    /// Writes `text` to `relative` below the directory (creating parent directories); returns
    /// the full path of the file.
    std::filesystem::path write(const std::filesystem::path& relative,
                                const std::string& text) const;
    /// The names of the entries directly in the directory, sorted.
    [[nodiscard]] std::vector<std::string> entries() const;

private:
    std::filesystem::path path_;
};

struct CommandResult {
    int exit_code = -1;
    std::string out; ///< standard output
    std::string err; ///< standard error
};

/// Runs `command` through /bin/sh with stdout and stderr captured separately.
CommandResult run_command(const std::string& command);

/// Runs `script` with Debian's /usr/bin/python3 (the interpreter that has GDAL, h5py, xarray,
/// netCDF4 and h5netcdf), each argument quoted for the shell.
CommandResult run_python(const std::filesystem::path& script,
                         const std::vector<std::string>& arguments = {});

/// Single-quotes `text` for /bin/sh.
std::string shell_quote(const std::string& text);

/// The repository root (for inputs/, scenarios/, docs/ and tests/python/).
std::filesystem::path source_dir();
/// The built `lauter` executable.
std::filesystem::path lauter_executable();
/// The same, quoted for /bin/sh, to start a command line with.
std::string lauter_command();
/// Runs `lauter run <scenario> -o <out>` followed by `extra_arguments` (e.g. "--threads 2",
/// quoted by the caller where needed), with stdout and stderr captured.
CommandResult run_lauter_scenario(const std::filesystem::path& scenario,
                                  const std::filesystem::path& out,
                                  const std::string& extra_arguments = "");
/// Runs every member of the batch file `batch_file` in one session (parts in `parts_dir`, reuse
/// on) and returns the fingerprint of `model`'s task per member name. Throws std::runtime_error
/// naming the member if one fails.
std::map<std::string, std::string> batch_task_fingerprints(const std::filesystem::path& batch_file,
                                                           const std::filesystem::path& parts_dir,
                                                           const std::string& model);
/// A file of the embedded Kaiserslautern inputs (inputs/kaiserslautern/<name>).
std::filesystem::path kaiserslautern_input(const std::string& name);
/// The `inputs:` block of a scenario on the city-centre extract (kaiserslautern_cc.osm.gz) with
/// the illustrative terrain, as the end-to-end tests use it.
std::string city_centre_inputs_yaml();
/// A scenario `name` on the city-centre extract with only the mobility model (250 m zones, mean
/// trip 0.45 km, so that the small extract has trips of every mode) and the given
/// `modifications:` list (YAML items, indented by two spaces, or "  []").
std::string city_centre_mobility_scenario(const std::string& name,
                                          const std::string& modifications);

/// "mpiexec -np N" with the environment OpenMPI needs in a container run as root on a small
/// machine (root allowed, oversubscription allowed, no CMA single-copy), or "" when lauter was
/// built without MPI.
std::string mpiexec_prefix(int ranks);

/// Writes `content` to `path` (creating parent directories); throws std::runtime_error naming
/// the file if it cannot be written.
void write_text_file(const std::filesystem::path& path, const std::string& content);
/// Reads a whole file; throws std::runtime_error naming the file if it cannot be opened.
std::string read_text_file(const std::filesystem::path& path);

/// A north-up grid of `rows` x `cols` cells of `cell_size_x_m` x `cell_size_y_m` whose
/// upper-left corner is (`x0`, `y0`), in the CRS `crs_wkt` (empty: unknown).
kernels::GridSpec make_grid(std::size_t rows, std::size_t cols, double cell_size_x_m = 1.0,
                            double cell_size_y_m = 1.0, double x0 = 0.0, double y0 = 0.0,
                            const std::string& crs_wkt = {});

/// Runs `f` and returns the what() of the ConfigError it throws ("" if it throws nothing).
template <typename F> std::string config_error_of(F&& f) {
    try {
        f();
    } catch (const lauter::sim::ConfigError& e) {
        return e.what();
    }
    return {};
}

/// A scenario project for the settings tests of one model: a 100 m study area with fake OSM and
/// DEM files (never read by load_scenario) and the model's mapping appended under
/// `models.<model>:`.
class ModelScenarioProject {
public:
    explicit ModelScenarioProject(std::string model) : dir_(model + "-settings"), model_(model) {
        dir_.write("inputs/city.osm.gz", "fake osm");
        dir_.write("inputs/dem.tif", "fake dem");
    }
    /// The scenario with `lines` (indented under `  <model>:`) appended.
    [[nodiscard]] std::filesystem::path write(const std::string& lines,
                                              bool with_dem = true) const {
        return dir_.write("x.yaml", std::string("name: t\n"
                                                "study_area:\n"
                                                "  crs: EPSG:25832\n"
                                                "  extent: [0, 0, 100, 100]\n"
                                                "inputs:\n"
                                                "  osm: inputs/city.osm.gz\n") +
                                        (with_dem ? "  dem: inputs/dem.tif\n" : "") +
                                        "models:\n"
                                        "  terrain: {enabled: " +
                                        (with_dem ? "true" : "false") + "}\n" + "  " + model_ +
                                        ":\n" + lines);
    }
    /// The ConfigError message of loading that scenario ("" when it loads).
    [[nodiscard]] std::string error_for(const std::string& lines, bool with_dem = true) const {
        const std::filesystem::path file = write(lines, with_dem);
        return config_error_of([&] { (void)sim::load_scenario(file); });
    }
    [[nodiscard]] const TempDir& dir() const { return dir_; }

private:
    TempDir dir_;
    std::string model_;
};

} // namespace lauter::test
