#include "gdal_support.hpp"

#include <lauter/sim/error.hpp>

#include <cpl_conv.h>
#include <cpl_error.h>

#include <algorithm>
#include <cctype>
#include <mutex>

namespace lauter::sim::detail {

void ensure_gdal_registered() {
    static std::once_flag once;
    std::call_once(once, [] { GDALAllRegister(); });
}

QuietGdalErrors::QuietGdalErrors() {
    CPLErrorReset();
    CPLPushErrorHandler(CPLQuietErrorHandler);
}

QuietGdalErrors::~QuietGdalErrors() { CPLPopErrorHandler(); }

std::string last_gdal_error() {
    const char* msg = CPLGetLastErrorMsg();
    if (msg == nullptr || *msg == '\0') {
        return {};
    }
    return std::string(": ") + msg;
}

void DatasetCloser::operator()(GDALDataset* ds) const noexcept { GDALClose(ds); }

std::string gdal_path(const std::filesystem::path& path) {
    std::string ext = path.extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    const std::string stem_ext = path.stem().extension().string();
    if (ext == ".gz" && stem_ext != ".tar") {
        return "/vsigzip/" + path.string();
    }
    return path.string();
}

void require_file(const std::filesystem::path& path, const std::string& what) {
    std::error_code ec;
    if (!std::filesystem::exists(path, ec)) {
        throw InputError(what + " '" + path.string() + "' does not exist; check the path");
    }
    if (std::filesystem::is_directory(path, ec)) {
        throw InputError(what + " '" + path.string() + "' is a directory, not a file; give the file");
    }
}

OGRSpatialReference srs_from_wkt(const std::string& wkt, const std::string& where) {
    OGRSpatialReference srs;
    srs.SetAxisMappingStrategy(OAMS_TRADITIONAL_GIS_ORDER);
    QuietGdalErrors quiet;
    if (wkt.empty() || srs.SetFromUserInput(wkt.c_str()) != OGRERR_NONE) {
        throw ConfigError(where + ": the coordinate reference system is missing or not understood" +
                          last_gdal_error() + "; give one as EPSG:<code> or WKT");
    }
    return srs;
}

std::string wkt2_of(const OGRSpatialReference& srs) {
    char* wkt = nullptr;
    const char* options[] = {"FORMAT=WKT2_2018", nullptr};
    srs.exportToWkt(&wkt, options);
    std::string result = wkt != nullptr ? std::string(wkt) : std::string();
    CPLFree(wkt);
    return result;
}

} // namespace lauter::sim::detail
