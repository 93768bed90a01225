#pragma once
// Private helpers shared by the GDAL/OGR adapters of sim/ (not installed, not part of the API).

#include <gdal_priv.h>
#include <ogr_spatialref.h>

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

namespace lauter::sim::detail {

/// Registers GDAL's drivers once per process (thread-safe).
void ensure_gdal_registered();

/// Silences GDAL's stderr error printing for its lifetime; messages stay available through
/// last_gdal_error() so that they can be folded into one InputError.
class QuietGdalErrors {
public:
    QuietGdalErrors();
    QuietGdalErrors(const QuietGdalErrors&) = delete;
    QuietGdalErrors& operator=(const QuietGdalErrors&) = delete;
    ~QuietGdalErrors();
};

/// GDAL's last error message, prefixed with ": " (empty if there was none).
[[nodiscard]] std::string last_gdal_error();

struct DatasetCloser {
    void operator()(GDALDataset* ds) const noexcept;
};
using DatasetPtr = std::unique_ptr<GDALDataset, DatasetCloser>;

/// Path as GDAL expects it; .gz files (not .tar.gz) go through /vsigzip/.
[[nodiscard]] std::string gdal_path(const std::filesystem::path& path);

/// Throws InputError unless `path` exists and is a regular file.
void require_file(const std::filesystem::path& path, const std::string& what);

/// A spatial reference from WKT with x = easting/longitude; throws ConfigError naming `where`.
[[nodiscard]] OGRSpatialReference srs_from_wkt(const std::string& wkt, const std::string& where);

/// The WKT2_2018 text of a spatial reference.
[[nodiscard]] std::string wkt2_of(const OGRSpatialReference& srs);

/// Opens an OpenStreetMap extract (.osm, .osm.gz, .pbf) with GDAL's OSM driver and one of
/// lauter's embedded driver configurations: `config_text` (an osmconf.ini with static storage:
/// GDAL reads it in place) is published once per process as /vsimem/lauter/<config_name>.ini.
/// InputError naming the file when it is missing, bzip2-compressed or unreadable.
[[nodiscard]] DatasetPtr open_osm_dataset(const std::filesystem::path& osm_path,
                                          std::string_view config_name,
                                          std::string_view config_text);

} // namespace lauter::sim::detail
