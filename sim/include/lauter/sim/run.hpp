#pragma once
/// @file run.hpp
/// `lauter run`: one scenario from file to results. Prepares the study area (grid, mask, DEM, land
/// cover), runs the enabled models and writes everything into one HDF5 results file, atomically.

#include <lauter/sim/coldair_model.hpp>
#include <lauter/sim/osm_network.hpp>
#include <lauter/sim/results.hpp>
#include <lauter/sim/scenario.hpp>
#include <lauter/sim/study_area.hpp>
#include <lauter/sim/thermal_model.hpp>

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

/// Intermediate products that several model runs can share. `lauter run` keeps one for its
/// models, a batch one for all its members, so that e.g. the street network is built once while
/// inputs.osm, inputs.dem and the study CRS stay the same.
///
/// The thermal and cold-air tasks of a member share their runs: the cold-air model takes its
/// settlements from the uncoupled thermal run, and the thermal model coupled to cold air
/// (models.thermal.night.cold_air_coupling) takes the cold-air run. Each run is keyed by the
/// batch fingerprint of the task that produces it (task_fingerprint: version, resolved settings,
/// named files, the modifications that edit the settings, grid, mask, elevation and land cover),
/// so a scenario or member that changes anything the run depends on computes it again. Only the
/// latest run of each kind is kept: a new key frees the old run before computing the new one.
class ModelCache {
public:
    /// A cold-air run and the surface (model grid) it ran on.
    struct ColdAir {
        ColdAirSurface surface;
        ColdAirRun run;
    };

    /// The street network of `s` (built on first use, reused while its inputs are unchanged);
    /// `build_seconds` receives the time the build took (0 when reused).
    const MobilityNetwork& network(const Scenario& s, const StudyArea& area,
                                   double& build_seconds);

    /// The uncoupled thermal run of `s` on `area` (run_thermal), computed on first use.
    const ThermalRun& thermal_run(const Scenario& s, const StudyArea& area);

    /// The cold-air surface (coldair_surface_for_scenario, with the classes of thermal_run when
    /// the settlements are thermal_load) and run of `s` on `area`, computed on first use.
    const ColdAir& cold_air(const Scenario& s, const StudyArea& area);

    /// What the thermal model coupled to cold air starts from: the uncoupled thermal run, moved
    /// out of the cache (which forgets it, as the coupling changes it), and cold_air.
    struct CoupledInputs {
        ThermalRun thermal;
        const ColdAir& cold_air;
    };
    [[nodiscard]] CoupledInputs coupled_inputs(const Scenario& s, const StudyArea& area);

private:
    /// thermal_run for the run's fingerprint `key`.
    const ThermalRun& thermal_run_for(const std::string& key, const Scenario& s,
                                      const StudyArea& area);
    /// cold_air for the run's fingerprint `key`; `thermal_key`, if given, is the fingerprint of
    /// the thermal run (else computed when the classes are needed).
    const ColdAir& cold_air_for(const std::string& key, const std::string* thermal_key,
                                const Scenario& s, const StudyArea& area);

    std::string network_key_;
    std::unique_ptr<MobilityNetwork> network_;
    std::string thermal_key_;
    std::unique_ptr<ThermalRun> thermal_;
    std::string cold_air_key_;
    std::unique_ptr<ColdAir> cold_air_;
};

/// Runs one model of `s` on the prepared `area` and writes its results under `group`
/// ("/<scenario>/<model>"). `lauter run` and `lauter batch` both call this for every model.
/// Without a cache, the thermal and cold-air models compute every run they need themselves.
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
