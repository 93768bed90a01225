#include <lauter/sim/study_area.hpp>

namespace lauter::sim {

OsmLandCover clone_land_cover(const OsmLandCover& land_cover) {
    OsmLandCover copy;
    copy.mask = land_cover.mask.clone();
    copy.dominant = land_cover.dominant.clone();
    for (std::size_t k = 0; k < land_cover.fractions.size(); ++k) {
        copy.fractions[k] = land_cover.fractions[k].clone();
    }
    copy.impervious_fraction = land_cover.impervious_fraction.clone();
    copy.building_height_m = land_cover.building_height_m.clone();
    copy.tree_canopy_fraction = land_cover.tree_canopy_fraction.clone();
    copy.unmapped_fraction = land_cover.unmapped_fraction.clone();
    copy.buildings = land_cover.buildings;
    copy.building_id = land_cover.building_id.clone();
    copy.summary = land_cover.summary;
    return copy;
}

StudyArea clone_study_area(const StudyArea& area) {
    StudyArea copy;
    copy.grid = area.grid;
    copy.mask = area.mask.clone();
    if (area.elevation_m) {
        copy.elevation_m = area.elevation_m->clone();
    }
    if (area.land_cover) {
        copy.land_cover = clone_land_cover(*area.land_cover);
    }
    copy.inputs = area.inputs;
    copy.terrain_note = area.terrain_note;
    return copy;
}

} // namespace lauter::sim
