#include <lauter/kernels/hydrology/depressions.hpp>
#include <lauter/kernels/hydrology/neighbours.hpp>

#include <algorithm>
#include <limits>
#include <stdexcept>

namespace lauter::kernels::hydrology {

std::vector<Depression> find_depressions(RasterView<const float> elevation_m,
                                         RasterView<const float> filled_m, const CellMask& mask,
                                         RasterView<std::uint32_t> ids,
                                         DepressionWorkspace& workspace) {
    require_same_shape(elevation_m.spec(), filled_m.spec(), "find_depressions");
    require_same_shape(elevation_m.spec(), mask.spec(), "find_depressions");
    require_same_shape(elevation_m.spec(), ids.spec(), "find_depressions");
    const std::size_t rows = elevation_m.rows();
    const std::size_t cols = elevation_m.cols();
    if (rows * cols >= std::numeric_limits<std::uint32_t>::max()) {
        throw std::invalid_argument("find_depressions: grids of 2^32 cells or more are not "
                                    "supported");
    }
    auto raised = [&](std::size_t r, std::size_t c) {
        return mask.has_data(r, c) && filled_m(r, c) > elevation_m(r, c);
    };
    for (std::size_t r = 0; r < rows; ++r) {
        for (std::size_t c = 0; c < cols; ++c) {
            ids(r, c) = 0;
        }
    }
    const double cell_area_m2 = elevation_m.spec().cell_area_m2();
    std::vector<Depression> table;
    std::vector<std::uint32_t>& queue = workspace.queue;
    for (std::size_t r0 = 0; r0 < rows; ++r0) {
        for (std::size_t c0 = 0; c0 < cols; ++c0) {
            if (ids(r0, c0) != 0 || !raised(r0, c0)) {
                continue;
            }
            Depression d;
            d.id = static_cast<std::uint32_t>(table.size() + 1);
            d.spill_elevation_m = static_cast<double>(filled_m(r0, c0));
            d.max_depth_m = -1.0;
            queue.clear();
            queue.push_back(static_cast<std::uint32_t>(r0 * cols + c0));
            ids(r0, c0) = d.id;
            for (std::size_t head = 0; head < queue.size(); ++head) {
                const std::size_t r = queue[head] / cols;
                const std::size_t c = queue[head] - r * cols;
                const double depth =
                    static_cast<double>(filled_m(r, c)) - static_cast<double>(elevation_m(r, c));
                const std::size_t i = r * cols + c;
                const std::size_t best = d.deepest_row * cols + d.deepest_col;
                if (depth > d.max_depth_m || (depth == d.max_depth_m && i < best)) {
                    d.max_depth_m = depth;
                    d.deepest_row = r;
                    d.deepest_col = c;
                }
                d.spill_elevation_m =
                    std::max(d.spill_elevation_m, static_cast<double>(filled_m(r, c)));
                d.volume_m3 += depth * cell_area_m2;
                ++d.cell_count;
                for (int k = 0; k < 8; ++k) {
                    if (!d8_inside(r, c, k, rows, cols)) {
                        continue;
                    }
                    const std::size_t nr = d8_neighbour_row(r, k);
                    const std::size_t nc = d8_neighbour_col(c, k);
                    if (ids(nr, nc) == 0 && raised(nr, nc)) {
                        ids(nr, nc) = d.id;
                        queue.push_back(static_cast<std::uint32_t>(nr * cols + nc));
                    }
                }
            }
            d.area_m2 = static_cast<double>(d.cell_count) * cell_area_m2;
            table.push_back(d);
        }
    }
    return table;
}

} // namespace lauter::kernels::hydrology
