#include <lauter/sim/crs.hpp>

#include <lauter/sim/error.hpp>

#include <cpl_conv.h>
#include <cpl_error.h>
#include <ogr_spatialref.h>

#include <cmath>
#include <memory>

namespace lauter::sim {

namespace {

/// Parses WKT (or any user input) without emitting GDAL's own error messages; nullptr if invalid.
std::unique_ptr<OGRSpatialReference> parse(const std::string& text) {
    if (text.empty()) {
        return nullptr;
    }
    auto srs = std::make_unique<OGRSpatialReference>();
    srs->SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    CPLPushErrorHandler(CPLQuietErrorHandler);
    const OGRErr err = srs->SetFromUserInput(text.c_str());
    CPLPopErrorHandler();
    if (err != OGRERR_NONE) {
        return nullptr;
    }
    return srs;
}

} // namespace

std::string normalize_crs(const std::string& user_input, const std::string& where) {
    const auto srs = parse(user_input);
    if (!srs) {
        throw ConfigError(where + ": '" + user_input +
                          "' is not a coordinate reference system GDAL understands; give an EPSG "
                          "code such as EPSG:25832, a WKT or a PROJ string");
    }
    char* wkt = nullptr;
    const char* options[] = {"FORMAT=WKT2_2018", nullptr};
    if (srs->exportToWkt(&wkt, options) != OGRERR_NONE || wkt == nullptr) {
        CPLFree(wkt);
        throw ConfigError(where + ": the coordinate reference system '" + user_input +
                          "' cannot be written as WKT2; give it as an EPSG code");
    }
    std::string result(wkt);
    CPLFree(wkt);
    return result;
}

bool same_crs(const std::string& a_wkt, const std::string& b_wkt) {
    if (a_wkt.empty() || b_wkt.empty()) {
        return a_wkt.empty() && b_wkt.empty();
    }
    if (a_wkt == b_wkt) {
        return true;
    }
    const auto a = parse(a_wkt);
    const auto b = parse(b_wkt);
    if (!a || !b) {
        return false;
    }
    const char* options[] = {"IGNORE_DATA_AXIS_TO_SRS_AXIS_MAPPING=YES",
                             "CRITERION=EQUIVALENT_EXCEPT_AXIS_ORDER_GEOGCRS", nullptr};
    return a->IsSame(b.get(), options) != 0;
}

bool crs_is_projected_metres(const std::string& wkt) {
    const auto srs = parse(wkt);
    if (!srs || srs->IsProjected() == 0) {
        return false;
    }
    return std::abs(srs->GetLinearUnits() - 1.0) < 1e-12;
}

} // namespace lauter::sim
