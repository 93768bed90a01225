#include <lauter/sim/geotiff_writer.hpp>

#include <lauter/sim/error.hpp>
#include <lauter/sim/progress.hpp>

#include <cpl_conv.h>
#include <cpl_error.h>
#include <cpl_string.h>
#include <gdal_priv.h>

#include <atomic>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <system_error>
#include <unistd.h>

#include "gdal_support.hpp"

namespace lauter::sim {

namespace {

namespace fs = std::filesystem;

/// GDAL's last error message, or a generic text when it gave none.
std::string gdal_reason() {
    const std::string reason = detail::last_gdal_error();
    return reason.empty() ? std::string("unknown GDAL error") : reason.substr(2);
}

using detail::DatasetPtr;

/// Hidden temporary name next to the destination, unique per process and call.
fs::path temporary_name(const fs::path& destination) {
    static std::atomic<unsigned> counter{0};
    std::string name(1, '.');
    name += destination.stem().string();
    name += ".tmp-";
    name += std::to_string(static_cast<long>(::getpid()));
    name += '-';
    name += std::to_string(counter.fetch_add(1));
    name += destination.extension().string();
    return destination.parent_path() / name;
}

void remove_quietly(const fs::path& p) noexcept {
    std::error_code ec;
    fs::remove(p, ec);
    fs::remove(fs::path(p.string() + ".aux.xml"), ec);
}

/// Checks that the destination's directory exists and that a file can be created in it, by
/// creating (and removing) the temporary file itself; a clear InputError otherwise.
void check_destination(const fs::path& destination, const fs::path& temporary) {
    const fs::path dir = destination.parent_path().empty() ? fs::path(".")
                                                           : destination.parent_path();
    std::error_code ec;
    if (!fs::exists(dir, ec)) {
        throw InputError("cannot write " + destination.string() + ": directory " + dir.string() +
                         " does not exist; create it first or choose another output path");
    }
    if (!fs::is_directory(dir, ec)) {
        throw InputError("cannot write " + destination.string() + ": " + dir.string() +
                         " is not a directory");
    }
    if (fs::is_directory(destination, ec)) {
        throw InputError("cannot write " + destination.string() +
                         ": a directory of that name exists; choose another output path");
    }
    const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0644);
    if (fd < 0) {
        const int err = errno;
        throw InputError("cannot write " + destination.string() + ": cannot create files in " +
                         dir.string() + " (" + std::strerror(err) +
                         "); choose a writable output directory");
    }
    ::close(fd);
    fs::remove(temporary, ec);
}

template <typename T>
void write_any(const fs::path& destination, const kernels::Raster<T>& raster,
               const kernels::CellMask& mask, const GeoTiffOptions& options) {
    constexpr bool is_float = std::is_same_v<T, float>;
    kernels::require_same_shape(raster.spec(), mask.spec(), "write_geotiff");
    const kernels::GridSpec& g = raster.spec();
    if (g.rows == 0 || g.cols == 0) {
        throw std::invalid_argument("write_geotiff: " + destination.string() +
                                    ": the raster is empty");
    }
    if (g.rows > static_cast<std::size_t>(INT32_MAX) ||
        g.cols > static_cast<std::size_t>(INT32_MAX)) {
        throw std::invalid_argument("write_geotiff: " + destination.string() +
                                    ": the raster is too large for one GeoTIFF");
    }
    if (options.block_size_px < 16 || options.block_size_px % 16 != 0) {
        throw std::invalid_argument("write_geotiff: block_size_px must be a multiple of 16");
    }
    if (!is_float && options.no_data_value &&
        !(*options.no_data_value >= 0.0 && *options.no_data_value <= 255.0 &&
          std::floor(*options.no_data_value) == *options.no_data_value)) {
        throw std::invalid_argument("write_geotiff: " + destination.string() +
                                    ": a uint8 no-data value must be an integer in 0..255");
    }
    detail::ensure_gdal_registered();
    const fs::path temporary = temporary_name(destination);
    check_destination(destination, temporary);

    // Values with the mask applied.
    const double no_data = options.no_data_value.value_or(
        is_float ? static_cast<double>(kernels::no_data_value<float>) : 0.0);
    std::vector<T> buffer(raster.size());
    std::size_t data_cells_equal_to_no_data = 0;
    for (std::size_t i = 0; i < buffer.size(); ++i) {
        if (mask.has_data(i)) {
            buffer[i] = raster[i];
            if constexpr (!is_float) {
                data_cells_equal_to_no_data += static_cast<double>(raster[i]) == no_data ? 1U : 0U;
            }
        } else {
            buffer[i] = static_cast<T>(no_data);
        }
    }
    if (data_cells_equal_to_no_data > 0) {
        log_warning(destination.string() + ": " + std::to_string(data_cells_equal_to_no_data) +
                    " cells with data equal the no-data value and will read as no-data");
    }

    detail::QuietGdalErrors capture;
    const int rows = static_cast<int>(g.rows);
    const int cols = static_cast<int>(g.cols);
    const GDALDataType type = is_float ? GDT_Float32 : GDT_Byte;
    GDALDriver* mem_driver = GetGDALDriverManager()->GetDriverByName("MEM");
    const char* out_driver_name = options.cloud_optimized ? "COG" : "GTiff";
    GDALDriver* out_driver = GetGDALDriverManager()->GetDriverByName(out_driver_name);
    if (mem_driver == nullptr || out_driver == nullptr) {
        throw RuntimeFailure("cannot write " + destination.string() + ": GDAL driver " +
                             (mem_driver == nullptr ? "MEM" : out_driver_name) +
                             " is not available in this GDAL build");
    }
    DatasetPtr mem(mem_driver->Create("", cols, rows, 1, type, nullptr));
    if (!mem) {
        throw RuntimeFailure("cannot write " + destination.string() +
                             ": GDAL could not allocate the raster (" +
                             gdal_reason() + ")");
    }
    double transform[6] = {g.x0, g.cell_size_x_m, 0.0, g.y0, 0.0, -g.cell_size_y_m};
    mem->SetGeoTransform(transform);
    if (!g.crs_wkt.empty() && mem->SetProjection(g.crs_wkt.c_str()) != CE_None) {
        throw InputError("cannot write " + destination.string() +
                         ": the grid's CRS is not valid WKT (" + gdal_reason() +
                         ")");
    }
    for (const auto& [key, value] : options.metadata) {
        mem->SetMetadataItem(key.c_str(), value.c_str());
    }
    GDALRasterBand* band = mem->GetRasterBand(1);
    band->SetNoDataValue(no_data);
    if (!options.description.empty()) {
        band->SetDescription(options.description.c_str());
    }
    if (!options.units.empty()) {
        band->SetUnitType(options.units.c_str());
    }
    if (band->RasterIO(GF_Write, 0, 0, cols, rows, buffer.data(), cols, rows, type, 0, 0,
                       nullptr) != CE_None) {
        throw RuntimeFailure("cannot write " + destination.string() + ": " +
                             gdal_reason());
    }

    const std::string block = std::to_string(options.block_size_px);
    CPLStringList create_options;
    create_options.SetNameValue("COMPRESS", options.compression.c_str());
    if (options.compression == "DEFLATE") {
        create_options.SetNameValue("LEVEL", std::to_string(options.deflate_level).c_str());
    }
    // Block compression dominates the time of writing a large raster; GDAL compresses blocks in
    // parallel when asked (the bytes written do not depend on the thread count).
    create_options.SetNameValue("NUM_THREADS", "ALL_CPUS");
    if (options.cloud_optimized) {
        create_options.SetNameValue("BLOCKSIZE", block.c_str());
        create_options.SetNameValue("PREDICTOR", "YES");
        // Averages keep overviews of continuous fields unbiased; classes must not be averaged.
        create_options.SetNameValue("RESAMPLING", is_float ? "AVERAGE" : "NEAREST");
        if (!options.overviews) {
            create_options.SetNameValue("OVERVIEWS", "NONE");
        }
    } else {
        create_options.SetNameValue("TILED", "YES");
        create_options.SetNameValue("BLOCKXSIZE", block.c_str());
        create_options.SetNameValue("BLOCKYSIZE", block.c_str());
        create_options.SetNameValue("PREDICTOR", is_float ? "3" : "2");
    }

    bool written = false;
    {
        DatasetPtr out(out_driver->CreateCopy(temporary.c_str(), mem.get(), FALSE,
                                              create_options.List(), nullptr, nullptr));
        if (out) {
            out->FlushCache(true);
            written = CPLGetLastErrorType() < CE_Failure;
        }
        // Closing writes the last tiles and the header; errors on close count as failures.
    }
    if (written) {
        written = CPLGetLastErrorType() < CE_Failure && fs::exists(temporary);
    }
    if (!written) {
        const std::string reason = gdal_reason();
        remove_quietly(temporary);
        throw RuntimeFailure("cannot write " + destination.string() + ": " + reason +
                             " (disk full or file system error?)");
    }
    std::error_code ec;
    fs::rename(temporary, destination, ec);
    if (ec) {
        remove_quietly(temporary);
        throw RuntimeFailure("cannot write " + destination.string() +
                             ": renaming the temporary file failed (" + ec.message() + ")");
    }
    // Auxiliary metadata GDAL could not store inside the TIFF follows the file.
    const fs::path aux(temporary.string() + ".aux.xml");
    if (fs::exists(aux, ec)) {
        fs::rename(aux, fs::path(destination.string() + ".aux.xml"), ec);
    }
}

} // namespace

void write_geotiff(const std::filesystem::path& destination, const kernels::Raster<float>& raster,
                   const kernels::CellMask& mask, const GeoTiffOptions& options) {
    write_any(destination, raster, mask, options);
}

void write_geotiff(const std::filesystem::path& destination,
                   const kernels::Raster<std::uint8_t>& raster, const kernels::CellMask& mask,
                   const GeoTiffOptions& options) {
    write_any(destination, raster, mask, options);
}

} // namespace lauter::sim
