#pragma once
// Synthetic DEMs shared by the benchmarks: gaussian hills on a tilted plane (every aspect and a
// range of slopes), optionally plus a deterministic hash noise of a few metres that creates many
// small closed depressions, as real DEMs have (the hydrology benchmarks use it). 10 m cells.

#include <lauter/kernels/grid.hpp>

#include <cmath>
#include <cstddef>
#include <cstdint>

namespace lauter::bench {

inline kernels::GridSpec square_grid(std::size_t n, double cell_size_m = 10.0) {
    kernels::GridSpec g;
    g.rows = n;
    g.cols = n;
    g.cell_size_x_m = cell_size_m;
    g.cell_size_y_m = cell_size_m;
    return g;
}

/// Uniform value in [0, 1) from a cell index (SplitMix64 finaliser): the same DEM every run.
inline double hash_unit(std::uint64_t i) {
    std::uint64_t z = i + 0x9E3779B97F4A7C15ULL;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    z ^= z >> 31;
    return static_cast<double>(z >> 11) * 0x1.0p-53;
}

/// Three gaussian hills on a plane rising 30 m to the east, plus `noise_m` of hash noise.
inline kernels::Raster<float> rough_hills(const kernels::GridSpec& g, double noise_m = 3.0) {
    kernels::Raster<float> z(g);
    const double n = static_cast<double>(g.rows);
    for (std::size_t r = 0; r < g.rows; ++r) {
        for (std::size_t c = 0; c < g.cols; ++c) {
            const double x = static_cast<double>(c) / n;
            const double y = static_cast<double>(r) / n;
            auto hill = [&](double cx, double cy, double h, double w) {
                return h * std::exp(-((x - cx) * (x - cx) + (y - cy) * (y - cy)) / w);
            };
            z(r, c) = static_cast<float>(230.0 + 30.0 * x + hill(0.3, 0.3, 150.0, 0.02) +
                                         hill(0.7, 0.4, 100.0, 0.01) + hill(0.5, 0.8, 120.0, 0.03) +
                                         noise_m * hash_unit(g.index(r, c)));
        }
    }
    return z;
}

} // namespace lauter::bench
