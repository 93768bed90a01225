#include "gdal_support.hpp"

#include <lauter/sim/error.hpp>

#include <cpl_conv.h>
#include <cpl_error.h>
#include <cpl_vsi.h>

#include <algorithm>
#include <cctype>
#include <mutex>
#include <set>
#include <string>

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

DatasetPtr open_osm_dataset(const std::filesystem::path& osm_path, std::string_view config_name,
                            std::string_view config_text) {
    ensure_gdal_registered();
    require_file(osm_path, "OpenStreetMap file");
    const std::string name = osm_path.string();
    if (name.size() > 4 && name.compare(name.size() - 4, 4, ".bz2") == 0) {
        throw InputError("OpenStreetMap file '" + name + "' is bzip2-compressed, which GDAL cannot "
                         "read; decompress it (bunzip2) or convert it to .osm.gz or .pbf");
    }
    const std::string config_path = "/vsimem/lauter/" + std::string(config_name) + ".ini";
    {
        static std::mutex published_mutex;
        static std::set<std::string> published;
        const std::lock_guard<std::mutex> lock(published_mutex);
        if (published.insert(config_path).second) {
            // GDAL reads the static buffer in place and never frees it (bTakeOwnership = FALSE).
            VSILFILE* f = VSIFileFromMemBuffer(
                config_path.c_str(), reinterpret_cast<GByte*>(const_cast<char*>(config_text.data())),
                static_cast<vsi_l_offset>(config_text.size()), FALSE);
            if (f != nullptr) {
                VSIFCloseL(f);
            }
        }
    }
    QuietGdalErrors quiet;
    const std::string open_path = gdal_path(osm_path);
    const std::string config_option = "CONFIG_FILE=" + config_path;
    const char* open_options[] = {config_option.c_str(), nullptr};
    const char* drivers[] = {"OSM", nullptr};
    DatasetPtr ds(GDALDataset::Open(open_path.c_str(), GDAL_OF_VECTOR | GDAL_OF_READONLY, drivers,
                                    open_options));
    if (!ds) {
        throw InputError("OpenStreetMap file '" + name + "' cannot be read by GDAL's OSM driver" +
                         last_gdal_error() + "; give an .osm, .osm.gz or .pbf file");
    }
    return ds;
}

} // namespace lauter::sim::detail
