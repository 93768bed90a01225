#pragma once
/// @file terrain_reconstruction.hpp
/// The "illustrative terrain": a documented reconstruction of a plausible elevation surface from
/// what an OpenStreetMap extract says about relief, for use when no real DEM is available. It is
/// NOT a measurement; real studies pass the official DGM (scenario key inputs.dem).
///
/// Method (inputs/kaiserslautern/TERRAIN.md has the numbers for Kaiserslautern):
/// 1. ele tags of OSM nodes (values like "235", "235 m", "235.4"; others are skipped and counted)
///    are control points with weight 1. In the 2013 Kaiserslautern extract they are SRTM-derived.
/// 2. Waterway lines (waterway=river|stream|canal|ditch|drain) are sampled every
///    river_sample_spacing_m; each sample is a valley-floor control point at
///    valley_floor_m - river_gradient * (distance from the line's first vertex), OSM lines being
///    drawn downstream.
/// 3. Forest polygons (landuse=forest, natural=wood) are sampled on a hill_sample_spacing_m
///    lattice (the centroid for smaller polygons); each sample is a hill control point at the
///    height of an exponential rise from the valley floor with the distance d to the nearest
///    valley point (river samples and ele tags no higher than valley_floor_m + valley_band_m):
///    z = valley_floor_m + hill_relief_m (1 - exp(-d / hill_length_scale_m)).
/// 4. A smoothing thin-plate spline (kernels/terrain/scattered_surface.hpp) through all control
///    points, weighted by confidence, is sampled at the cell centres and clamped to
///    [min_elevation_m, max_elevation_m].
/// Weights are inverse variances relative to the ele tags, w = (sigma_ele / sigma)^2, with
/// assumed standard errors sigma_ele = 5 m (SRTM: 6.2 m absolute height error at 90 % in Eurasia,
/// Rodriguez et al. 2006, i.e. about 4 m standard error, plus the OSM node's position), valley
/// floor sigma = 7 m (guessed floor level and gradient) and hill sigma = 30 m (the profile is a
/// guess).

#include <lauter/kernels/grid.hpp>

#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <vector>

namespace lauter::sim {

struct TerrainReconstructionParams {
    /// Spline smoothing lambda in m^2 (see scattered_surface.hpp), chosen by cross-validation of
    /// the Kaiserslautern ele tags over lambda = 0 ... 3e5 (TERRAIN.md): 1e4 is within 0.2 m of
    /// the best spatial block hold-out RMS (2e4) with a lower leave-one-out RMS; smaller values
    /// chase the road-side tags, larger ones flatten the hills.
    double smoothing_m2 = 1.0e4;
    double ele_weight = 1.0;        ///< weight of ele tags (sigma 5 m)
    /// Valley floor of the Lauter in Kaiserslautern: the lowest ele tags, near its culverted
    /// course in the city centre, read 226-231 m.
    double valley_floor_m = 230.0;
    /// Downstream fall of the valley floor along waterways (m per m): 2.5 per mille, the order of
    /// the Lauter's mean gradient (about 100 m of fall over about 40 km to the Glan).
    double river_gradient = 0.0025;
    double river_sample_spacing_m = 50.0;  ///< spacing of valley-floor points along waterways
    double river_weight = 0.5;             ///< (5 / 7)^2
    /// Ele tags at most this far above valley_floor_m also mark the valley when measuring the
    /// distance of hill points from the valley.
    double valley_band_m = 5.0;
    /// Rise of the hills above the valley floor far from it: 230 + 170 = 400 m, the level of the
    /// Pfaelzerwald hills around the city (Humberg 429 m).
    double hill_relief_m = 170.0;
    /// Distance from the valley over which 63 % of the relief is reached: the city's valley
    /// sides rise about 100 m within 1-2 km (e.g. centre 235 m to Betzenberg about 300 m).
    double hill_length_scale_m = 1500.0;
    double hill_sample_spacing_m = 200.0;  ///< lattice spacing inside forest polygons
    double hill_weight = 0.028;            ///< (5 / 30)^2
    /// Clamp range: no ground in the extract lies below the Lauter leaving the city, none above
    /// the highest Pfaelzerwald summits nearby.
    double min_elevation_m = 215.0;
    double max_elevation_m = 480.0;
    /// Exact spline evaluation at every cell (1) or every k-th cell with bilinear interpolation.
    std::size_t coarse_step_cells = 1;
    /// Edge of the square blocks of the spatial block cross-validation.
    double cv_block_size_m = 1000.0;
};

/// What went into the reconstruction and how well it reproduces the ele tags.
struct TerrainReconstructionReport {
    std::size_t ele_tags_used = 0;
    std::size_t ele_tags_skipped = 0;      ///< unparsable ele values
    std::size_t waterway_lines = 0;
    std::size_t river_points = 0;
    std::size_t forest_polygons = 0;
    std::size_t hill_points = 0;
    /// Fitted surface minus ele tag at the tags (the smoothing residual).
    double ele_residual_rms_m = 0.0;
    double ele_residual_max_abs_m = 0.0;
    /// Leave-one-out: each tag predicted by a spline fitted without it. Neighbouring tags along
    /// a road are 30-100 m apart, so this measures interpolation, not extrapolation.
    double loo_rms_m = 0.0;
    double loo_max_abs_m = 0.0;
    /// Spatial block hold-out: all tags of one cv_block_size_m block predicted at once.
    double block_cv_rms_m = 0.0;
    double block_cv_max_abs_m = 0.0;
    std::size_t block_cv_folds = 0;
    double min_elevation_m = 0.0;          ///< over the grid, after clamping
    double max_elevation_m = 0.0;
    double mean_elevation_m = 0.0;
    std::size_t cells_clamped_low = 0;
    std::size_t cells_clamped_high = 0;
    double bending_energy = 0.0;           ///< J(f) of the spline (dimensionless)
};

/// Where a control point came from.
enum class TerrainControlKind : std::uint8_t { ele_tag = 0, valley_floor = 1, hill = 2 };

/// A control point of the reconstruction and the fitted surface there (for diagnostics/plots).
struct TerrainControlPoint {
    double x_m = 0.0;
    double y_m = 0.0;
    double z_m = 0.0;        ///< target elevation
    double weight = 0.0;
    TerrainControlKind kind = TerrainControlKind::ele_tag;
    double fitted_m = 0.0;   ///< spline at the point, before clamping
};

struct ReconstructedTerrain {
    kernels::Raster<float> elevation_m;
    kernels::CellMask mask;                ///< every cell has data
    TerrainReconstructionReport report;
    std::vector<TerrainControlPoint> control_points;
};

/// Reconstructs the illustrative terrain on `target` (whose crs_wkt must be a projected CRS in
/// metres) from an OSM file (.osm, .osm.gz via /vsigzip/, or .pbf). Throws InputError when the
/// file cannot be read or has too few usable features, ConfigError for invalid parameters.
[[nodiscard]] ReconstructedTerrain reconstruct_illustrative_terrain(
    const std::filesystem::path& osm, const kernels::GridSpec& target,
    const TerrainReconstructionParams& params = {});

/// The study grid of an OSM extract: its bounding box (the file's bounds) transformed to
/// ETRS89 / UTM zone 32N (EPSG:25832), snapped outward to multiples of cell_size_m and widened
/// by margin_m (rounded up to whole cells) on every side.
[[nodiscard]] kernels::GridSpec utm32_grid_for_osm_extent(const std::filesystem::path& osm,
                                                          double cell_size_m, double margin_m);

/// Reconstructs the illustrative terrain for an OSM extract on utm32_grid_for_osm_extent() and
/// writes it as a float32 COG with provenance metadata (method, parameters, cross-validation,
/// licence). This is the reproducible driver behind inputs/kaiserslautern/terrain_illustrative.tif.
TerrainReconstructionReport write_illustrative_terrain(const std::filesystem::path& osm,
                                                       const std::filesystem::path& output_tif,
                                                       double cell_size_m, double margin_m,
                                                       const TerrainReconstructionParams& params = {});

} // namespace lauter::sim
