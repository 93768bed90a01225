#pragma once
/// Shared set-up of the cold-air layer tests (test_layer.cpp, test_layer_geometries.cpp).

#include <lauter/kernels/coldair/layer.hpp>

namespace lauter::test {

/// Layer parameters for a run of `duration_s` with one output at its end and every outer face
/// closed (grid sides and no-data edges), so that no air leaves the domain.
inline kernels::coldair::ColdAirLayerParams closed_layer_params(double duration_s) {
    using kernels::shallow::OuterFace;
    kernels::coldair::ColdAirLayerParams p;
    p.duration_s = duration_s;
    p.output_times_s = {duration_s};
    p.solver.boundary.north = OuterFace::closed;
    p.solver.boundary.south = OuterFace::closed;
    p.solver.boundary.west = OuterFace::closed;
    p.solver.boundary.east = OuterFace::closed;
    p.solver.boundary.next_to_no_data = OuterFace::closed;
    return p;
}

} // namespace lauter::test
