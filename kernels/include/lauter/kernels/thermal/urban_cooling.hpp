#pragma once
/// @file urban_cooling.hpp
/// The InVEST Urban Cooling model's cooling capacity and park cooling (Natural Capital Project,
/// InVEST user guide "Urban Cooling"; physics.md C1):
/// - ETI = K_c · ET₀ / ET_max;
/// - cooling capacity CC = w_s·shade + w_a·albedo + w_e·ETI, weights 0.6/0.2/0.2 renormalised to
///   sum 1 (shade: fraction of canopy > 2 m);
/// - green area GA_i = area of green cells within d_cool of cell i (disk kernel, unnormalised);
/// - CC_park,i = Σ_j g_j CC_j w_ij / Σ_j w_ij with w_ij = exp(-d_ij/d_cool) for d_ij <= 5·d_cool
///   (kernel normalised to sum 1 over its whole disk, so that cells near the grid edge or near
///   no-data get less park cooling, never more);
/// - heat mitigation HM = CC_park where GA >= 2 ha and CC_park > CC, else CC.
/// The air-mixing step of InVEST (T_air convolved with an exponential kernel) is not
/// implemented: the night product uses the per-cell Theeuwes heat island (heat_island.hpp).
///
/// Cost: the green area is a disk sum via per-row prefix sums, O(n·r) with r = d_cool/Δx; the
/// park convolution is direct, O(n_p·R²) with R = 5·d_cool/Δx over the n_p cells whose GA
/// reaches the threshold (the exponential kernel is not separable). At 5 m and d_cool = 100 m,
/// R = 100: about 31,000 kernel cells per evaluated cell.

#include <lauter/kernels/grid.hpp>

#include <cstdint>
#include <vector>

namespace lauter::kernels::thermal {

/// Weights of the cooling capacity (InVEST defaults 0.6/0.2/0.2; renormalised to sum 1).
struct CoolingCapacityWeights {
    double shade = 0.6;
    double albedo = 0.2;
    double evapotranspiration = 0.2;
};

/// ETI = K_c · ET₀ / ET_max per active cell (NaN elsewhere), ET_max the largest ET₀ of the
/// active cells (InVEST). All zero when ET_max is not positive. OpenMP over rows.
void compute_evapotranspiration_index(RasterView<const float> crop_coefficient,
                                      RasterView<const float> reference_et_mm,
                                      const CellMask& mask, RasterView<float> eti);

/// CC of one cell (inputs clamped to 0..1). Throws std::invalid_argument if a weight is
/// negative or all are zero.
[[nodiscard]] double cooling_capacity(double shade, double albedo, double eti,
                                      const CoolingCapacityWeights& weights = {});

/// CC per active cell (NaN elsewhere). OpenMP over rows.
void compute_cooling_capacity(RasterView<const float> shade, RasterView<const float> albedo,
                              RasterView<const float> eti, const CellMask& mask,
                              RasterView<float> cooling_capacity_out,
                              const CoolingCapacityWeights& weights = {});

struct ParkCoolingParams {
    /// d_cool (m): 100 m, the calibrated value of martibosch/invest-ucm-calibration [UCMC].
    double cooling_distance_m = 100.0;
    double min_green_area_m2 = 2.0e4;  ///< 2 ha (InVEST)
    double kernel_cutoff = 5.0;        ///< truncation at 5·d_cool (InVEST)
};

/// Caller-owned scratch of compute_heat_mitigation.
struct ParkCoolingWorkspace {
    std::vector<std::uint32_t> green_prefix; ///< per row: prefix counts of green cells
    std::vector<float> kernel;                ///< normalised exponential-decay weights
    std::vector<float> source;                ///< g_j CC_j per cell
};

/// Green area (m²) within d_cool and the heat mitigation index of every active cell (NaN
/// elsewhere). `green` is 1 for green cells (parks, trees, grass), 0 otherwise; a no-data cell
/// is neither green nor a source of cooling. Cell size from the mask's grid (square cells
/// assumed: the mean of x and y size is used). OpenMP over rows; independent of the thread count.
void compute_heat_mitigation(RasterView<const float> cooling_capacity,
                             RasterView<const std::uint8_t> green, const CellMask& mask,
                             const ParkCoolingParams& params, RasterView<float> green_area_m2,
                             RasterView<float> heat_mitigation, ParkCoolingWorkspace& workspace);

} // namespace lauter::kernels::thermal
