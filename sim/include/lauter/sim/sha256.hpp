#pragma once
/// @file sha256.hpp
/// SHA-256 (FIPS 180-4, "Secure Hash Standard", NIST 2015, sections 4.1.2, 4.2.2, 5.1.1, 6.2).
/// Used to pin inputs and results by checksum (inputs/SHA256SUMS, provenance attributes).
/// Streaming: feed any number of byte chunks, then finish once.

#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <string_view>

namespace lauter::sim {

/// Incremental SHA-256. Not thread-safe; one object per stream.
class Sha256 {
public:
    using Digest = std::array<std::uint8_t, 32>;

    Sha256() noexcept;

    /// Appends bytes to the message.
    void update(std::span<const std::byte> bytes) noexcept;
    void update(std::string_view text) noexcept;

    /// Pads the message (FIPS 180-4 section 5.1.1), returns the digest and resets the object so
    /// that it can hash a new message.
    [[nodiscard]] Digest finish() noexcept;
    /// finish() as 64 lower-case hexadecimal characters.
    [[nodiscard]] std::string finish_hex();

private:
    void reset() noexcept;
    void compress(const std::uint8_t* block) noexcept;

    std::array<std::uint32_t, 8> state_{};
    std::array<std::uint8_t, 64> buffer_{};
    std::size_t buffered_bytes_ = 0;
    std::uint64_t message_bytes_ = 0;
};

/// Lower-case hexadecimal text of a digest.
[[nodiscard]] std::string to_hex(const Sha256::Digest& digest);

/// SHA-256 of a byte string, as 64 lower-case hexadecimal characters.
[[nodiscard]] std::string sha256_hex(std::span<const std::byte> bytes);
[[nodiscard]] std::string sha256_hex(std::string_view text);

/// SHA-256 of a file's contents, read in blocks (constant memory).
/// Throws InputError naming the file if it is missing, not a regular file or unreadable.
[[nodiscard]] std::string sha256_file_hex(const std::filesystem::path& path);

} // namespace lauter::sim
