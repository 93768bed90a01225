#pragma once
/// @file run.hpp
/// `lauter run`: one scenario from file to results. Prepares the study area (grid, mask, DEM, land
/// cover), runs the enabled models and writes everything into one HDF5 results file, atomically.

#include <lauter/sim/osm_network.hpp>
#include <lauter/sim/results.hpp>
#include <lauter/sim/scenario.hpp>
#include <lauter/sim/study_area.hpp>

#include <array>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace lauter::sim {

/// Builds the study grid (CRS, extent snapped outward to the resolution) of a scenario.
[[nodiscard]] kernels::GridSpec make_study_grid(const Scenario& scenario);

/// Reads, warps and rasterizes every input the enabled models need onto the study grid.
[[nodiscard]] StudyArea prepare_study_area(const Scenario& scenario);

/// The models of a scenario, in the order they run and appear in the results.
enum class ModelKind { terrain, landcover, runoff, mobility, thermal, coldair };
inline constexpr std::array<ModelKind, 6> all_model_kinds{
    ModelKind::terrain, ModelKind::landcover, ModelKind::runoff, ModelKind::mobility,
    ModelKind::thermal, ModelKind::coldair};

/// The results group and scenario key name of a model ("terrain", "runoff", ...).
[[nodiscard]] std::string_view model_name(ModelKind model) noexcept;

/// The models of `s` that run on `area` (enabled, and for terrain and land cover: their input
/// was prepared), in run order.
[[nodiscard]] std::vector<ModelKind> models_to_run(const Scenario& s, const StudyArea& area);

/// Intermediate products that several model runs can share. `lauter run` uses none; a batch
/// keeps one for all its members, so that e.g. the street network is built once while
/// inputs.osm, inputs.dem and the study CRS stay the same.
class ModelCache {
public:
    /// The street network of `s` (built on first use, reused while its inputs are unchanged);
    /// `build_seconds` receives the time the build took (0 when reused).
    const MobilityNetwork& network(const Scenario& s, const StudyArea& area,
                                   double& build_seconds);

private:
    std::string network_key_;
    std::unique_ptr<MobilityNetwork> network_;
};

/// Runs one model of `s` on the prepared `area` and writes its results under `group`
/// ("/<scenario>/<model>"). `lauter run` and `lauter batch` both call this for every model.
void run_model(ModelKind model, const Scenario& s, const StudyArea& area, ResultsWriter& out,
               const std::string& group, ModelCache* cache = nullptr);

/// The input checksums of a prepared area, one "role path sha256:hex" line per input.
[[nodiscard]] std::string input_checksums_text(const StudyArea& area);

/// Root attributes of a results file (version, git hash, creation time, title, attribution).
[[nodiscard]] RootAttributes results_root_attributes(const Scenario& s, std::string title);

/// HDF5 storage options of a scenario's output settings.
[[nodiscard]] WriteOptions results_write_options(const Scenario& s);

/// Runs the scenario and writes its results to `output` (replaced atomically when complete).
void run_scenario(const Scenario& scenario, const std::filesystem::path& output);

} // namespace lauter::sim
