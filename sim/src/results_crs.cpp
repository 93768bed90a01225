// CF grid-mapping attributes from a WKT CRS, through OGRSpatialReference.
// CF-1.8 conventions, Appendix F "Grid Mappings" (transverse_mercator, latitude_longitude) and
// section 5.6 (crs_wkt, geographic_crs_name, projected_crs_name, ...).
#include "results_hdf5.hpp"

#include "lauter/sim/error.hpp"

#include <ogr_spatialref.h>
#include <cpl_error.h>
#include <ogr_srs_api.h>

#include <cstring>

namespace lauter::sim::detail {

namespace {
std::string text_or_empty(const char* text) { return text != nullptr ? text : ""; }

/// Keeps GDAL from printing its own message for a WKT it cannot parse: the caller reports the
/// failure once, with the file and group.
class QuietGdalErrors {
public:
    QuietGdalErrors() { CPLPushErrorHandler(CPLQuietErrorHandler); }
    QuietGdalErrors(const QuietGdalErrors&) = delete;
    QuietGdalErrors& operator=(const QuietGdalErrors&) = delete;
    ~QuietGdalErrors() { CPLPopErrorHandler(); }
};

bool import_wkt(OGRSpatialReference& srs, const std::string& crs_wkt) {
    const QuietGdalErrors quiet;
    srs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    return srs.importFromWkt(crs_wkt.c_str()) == OGRERR_NONE;
}
} // namespace

GridMapping cf_grid_mapping(const std::string& crs_wkt, const std::string& context) {
    OGRSpatialReference srs;
    if (!import_wkt(srs, crs_wkt)) {
        throw InputError(context + ": the grid's CRS is not valid WKT; give every input a CRS "
                                   "that GDAL can read (e.g. EPSG:25832)");
    }
    GridMapping mapping;
    auto add_text = [&mapping](const char* key, const std::string& value) {
        if (!value.empty()) {
            mapping.attributes.emplace_back(key, value);
        }
    };
    auto add_number = [&mapping](const char* key, double value) {
        mapping.attributes.emplace_back(key, value);
    };

    if (srs.IsGeographic()) {
        mapping.geographic = true;
        add_text("grid_mapping_name", "latitude_longitude");
    } else if (srs.IsProjected()) {
        const char* units_name = nullptr;
        const double metres_per_unit = srs.GetLinearUnits(&units_name);
        mapping.linear_units = metres_per_unit == 1.0 ? "m" : text_or_empty(units_name);
        const std::string projection = text_or_empty(srs.GetAttrValue("PROJECTION"));
        if (projection == SRS_PT_TRANSVERSE_MERCATOR) {
            add_text("grid_mapping_name", "transverse_mercator");
            add_number("scale_factor_at_central_meridian",
                       srs.GetNormProjParm(SRS_PP_SCALE_FACTOR, 1.0));
            add_number("longitude_of_central_meridian",
                       srs.GetNormProjParm(SRS_PP_CENTRAL_MERIDIAN, 0.0));
            add_number("latitude_of_projection_origin",
                       srs.GetNormProjParm(SRS_PP_LATITUDE_OF_ORIGIN, 0.0));
            add_number("false_easting", srs.GetNormProjParm(SRS_PP_FALSE_EASTING, 0.0));
            add_number("false_northing", srs.GetNormProjParm(SRS_PP_FALSE_NORTHING, 0.0));
        }
        add_text("projected_crs_name", text_or_empty(srs.GetName()));
    }
    OGRErr err = OGRERR_NONE;
    const double semi_major_m = srs.GetSemiMajor(&err);
    if (err == OGRERR_NONE) {
        add_number("semi_major_axis", semi_major_m);
        add_number("inverse_flattening", srs.GetInvFlattening(&err));
    }
    add_number("longitude_of_prime_meridian", srs.GetPrimeMeridian());
    add_text("reference_ellipsoid_name", text_or_empty(srs.GetAttrValue("SPHEROID")));
    add_text("horizontal_datum_name", text_or_empty(srs.GetAttrValue("DATUM")));
    if (srs.IsGeographic()) {
        add_text("geographic_crs_name", text_or_empty(srs.GetName()));
    } else {
        add_text("geographic_crs_name", text_or_empty(srs.GetAttrValue("GEOGCS")));
    }
    return mapping;
}

std::string describe_crs(const std::string& crs_wkt) {
    OGRSpatialReference srs;
    if (crs_wkt.empty() || !import_wkt(srs, crs_wkt)) {
        return "unknown CRS";
    }
    std::string text = text_or_empty(srs.GetName());
    const std::string authority = text_or_empty(srs.GetAuthorityName(nullptr));
    const std::string code = text_or_empty(srs.GetAuthorityCode(nullptr));
    if (!authority.empty() && !code.empty()) {
        text += text.empty() ? "(" : " (";
        text += authority;
        text += ':';
        text += code;
        text += ')';
    }
    return text.empty() ? "unnamed CRS" : text;
}

} // namespace lauter::sim::detail
