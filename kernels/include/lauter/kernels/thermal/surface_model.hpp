#pragma once
/// @file surface_model.hpp
/// The surface the thermal kernels see (physics.md C2, UMEP/SOLWEIG): an opaque digital surface
/// model (terrain plus buildings) and a separate vegetation canopy given by the absolute heights
/// of crown top and crown base, with a trunk zone below the crown that lets radiation pass.
///
/// Per cell with data:
/// - building cell (building fraction >= building_fraction_threshold): dsm = terrain + building
///   height, no crown (trees overhanging roofs are left out);
/// - canopy cell (canopy fraction >= canopy_fraction_threshold, not a building, tree height > 0):
///   dsm = terrain, crown top = terrain + h, crown base = terrain + trunk_zone_fraction * h
///   (trunk zone 25 % of the tree height: the SOLWEIG default, Lindberg & Grimmond 2011,
///   Theor. Appl. Climatol. 105, UMEP shadow specification, physics.md C2);
/// - otherwise dsm = terrain and crown top = crown base = terrain (no crown).
/// The fractions are those of the OSM land cover (sim/osm_landcover.hpp): at 1-5 m cells they are
/// mostly 0 or 1, and the threshold 0.5 is the rule the runoff model uses for building cells.
/// No-data cells (mask) get NaN in all three outputs. O(cells), OpenMP over rows.

#include <lauter/kernels/grid.hpp>

namespace lauter::kernels::thermal {

struct SurfaceModelParams {
    /// Building fraction (0..1) from which a cell is a building block: 0.5, the rule of the
    /// runoff model's building cells (sim/osm_landcover.hpp, building_id).
    double building_fraction_threshold = 0.5;
    /// Canopy fraction (0..1) from which a cell carries a crown: 0.5, the same majority rule.
    double canopy_fraction_threshold = 0.5;
    /// Trunk zone as a share of tree height: 0.25 (SOLWEIG default, see above).
    double trunk_zone_fraction = 0.25;
};

/// Throws std::invalid_argument naming the parameter if a share lies outside [0, 1].
void validate(const SurfaceModelParams& params);

/// Builds the DSM and crown heights (all metres, absolute like `terrain_m`). Inputs: terrain
/// elevation, building fraction (0..1) and building height above ground (m), tree canopy fraction
/// (0..1) and tree height above ground (m). All views must have the mask's shape; throws
/// std::invalid_argument otherwise. Non-finite fractions or heights in a cell with data count as
/// 0 (no building, no tree).
void build_surface_model(RasterView<const float> terrain_m,
                         RasterView<const float> building_fraction,
                         RasterView<const float> building_height_m,
                         RasterView<const float> canopy_fraction,
                         RasterView<const float> tree_height_m, const CellMask& mask,
                         RasterView<float> dsm_m, RasterView<float> canopy_top_m,
                         RasterView<float> canopy_base_m, const SurfaceModelParams& params = {});

} // namespace lauter::kernels::thermal
