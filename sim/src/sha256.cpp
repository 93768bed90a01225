// SHA-256 after FIPS 180-4 (NIST, August 2015). Section numbers refer to that standard.
#include "lauter/sim/sha256.hpp"

#include "lauter/sim/error.hpp"

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <system_error>
#include <vector>

namespace lauter::sim {

namespace {

// Section 4.2.2: the first 32 bits of the fractional parts of the cube roots of the first 64
// primes.
constexpr std::array<std::uint32_t, 64> round_constants = {
    0x428a2f98U, 0x71374491U, 0xb5c0fbcfU, 0xe9b5dba5U, 0x3956c25bU, 0x59f111f1U, 0x923f82a4U,
    0xab1c5ed5U, 0xd807aa98U, 0x12835b01U, 0x243185beU, 0x550c7dc3U, 0x72be5d74U, 0x80deb1feU,
    0x9bdc06a7U, 0xc19bf174U, 0xe49b69c1U, 0xefbe4786U, 0x0fc19dc6U, 0x240ca1ccU, 0x2de92c6fU,
    0x4a7484aaU, 0x5cb0a9dcU, 0x76f988daU, 0x983e5152U, 0xa831c66dU, 0xb00327c8U, 0xbf597fc7U,
    0xc6e00bf3U, 0xd5a79147U, 0x06ca6351U, 0x14292967U, 0x27b70a85U, 0x2e1b2138U, 0x4d2c6dfcU,
    0x53380d13U, 0x650a7354U, 0x766a0abbU, 0x81c2c92eU, 0x92722c85U, 0xa2bfe8a1U, 0xa81a664bU,
    0xc24b8b70U, 0xc76c51a3U, 0xd192e819U, 0xd6990624U, 0xf40e3585U, 0x106aa070U, 0x19a4c116U,
    0x1e376c08U, 0x2748774cU, 0x34b0bcb5U, 0x391c0cb3U, 0x4ed8aa4aU, 0x5b9cca4fU, 0x682e6ff3U,
    0x748f82eeU, 0x78a5636fU, 0x84c87814U, 0x8cc70208U, 0x90befffaU, 0xa4506cebU, 0xbef9a3f7U,
    0xc67178f2U};

// Section 5.3.3: the first 32 bits of the fractional parts of the square roots of the first 8
// primes.
constexpr std::array<std::uint32_t, 8> initial_hash = {0x6a09e667U, 0xbb67ae85U, 0x3c6ef372U,
                                                       0xa54ff53aU, 0x510e527fU, 0x9b05688cU,
                                                       0x1f83d9abU, 0x5be0cd19U};

// Section 4.1.2 functions.
constexpr std::uint32_t ch(std::uint32_t x, std::uint32_t y, std::uint32_t z) noexcept {
    return (x & y) ^ (~x & z);
}
constexpr std::uint32_t maj(std::uint32_t x, std::uint32_t y, std::uint32_t z) noexcept {
    return (x & y) ^ (x & z) ^ (y & z);
}
constexpr std::uint32_t big_sigma0(std::uint32_t x) noexcept {
    return std::rotr(x, 2) ^ std::rotr(x, 13) ^ std::rotr(x, 22);
}
constexpr std::uint32_t big_sigma1(std::uint32_t x) noexcept {
    return std::rotr(x, 6) ^ std::rotr(x, 11) ^ std::rotr(x, 25);
}
constexpr std::uint32_t small_sigma0(std::uint32_t x) noexcept {
    return std::rotr(x, 7) ^ std::rotr(x, 18) ^ (x >> 3U);
}
constexpr std::uint32_t small_sigma1(std::uint32_t x) noexcept {
    return std::rotr(x, 17) ^ std::rotr(x, 19) ^ (x >> 10U);
}

} // namespace

Sha256::Sha256() noexcept { reset(); }

void Sha256::reset() noexcept {
    state_ = initial_hash;
    buffered_bytes_ = 0;
    message_bytes_ = 0;
}

// Section 6.2.2: one 512-bit block, big-endian words.
void Sha256::compress(const std::uint8_t* block) noexcept {
    std::array<std::uint32_t, 64> w{};
    for (std::size_t t = 0; t < 16; ++t) {
        w[t] = (static_cast<std::uint32_t>(block[4 * t]) << 24U) |
               (static_cast<std::uint32_t>(block[4 * t + 1]) << 16U) |
               (static_cast<std::uint32_t>(block[4 * t + 2]) << 8U) |
               static_cast<std::uint32_t>(block[4 * t + 3]);
    }
    for (std::size_t t = 16; t < 64; ++t) {
        w[t] = small_sigma1(w[t - 2]) + w[t - 7] + small_sigma0(w[t - 15]) + w[t - 16];
    }
    std::uint32_t a = state_[0];
    std::uint32_t b = state_[1];
    std::uint32_t c = state_[2];
    std::uint32_t d = state_[3];
    std::uint32_t e = state_[4];
    std::uint32_t f = state_[5];
    std::uint32_t g = state_[6];
    std::uint32_t h = state_[7];
    for (std::size_t t = 0; t < 64; ++t) {
        const std::uint32_t t1 = h + big_sigma1(e) + ch(e, f, g) + round_constants[t] + w[t];
        const std::uint32_t t2 = big_sigma0(a) + maj(a, b, c);
        h = g;
        g = f;
        f = e;
        e = d + t1;
        d = c;
        c = b;
        b = a;
        a = t1 + t2;
    }
    state_[0] += a;
    state_[1] += b;
    state_[2] += c;
    state_[3] += d;
    state_[4] += e;
    state_[5] += f;
    state_[6] += g;
    state_[7] += h;
}

void Sha256::update(std::span<const std::byte> bytes) noexcept {
    const auto* data = reinterpret_cast<const std::uint8_t*>(bytes.data());
    std::size_t remaining = bytes.size();
    message_bytes_ += remaining;
    if (buffered_bytes_ > 0) {
        const std::size_t take = std::min(remaining, buffer_.size() - buffered_bytes_);
        std::memcpy(buffer_.data() + buffered_bytes_, data, take);
        buffered_bytes_ += take;
        data += take;
        remaining -= take;
        if (buffered_bytes_ < buffer_.size()) {
            return;
        }
        compress(buffer_.data());
        buffered_bytes_ = 0;
    }
    while (remaining >= buffer_.size()) {
        compress(data);
        data += buffer_.size();
        remaining -= buffer_.size();
    }
    if (remaining > 0) {
        std::memcpy(buffer_.data(), data, remaining);
        buffered_bytes_ = remaining;
    }
}

void Sha256::update(std::string_view text) noexcept {
    update(std::as_bytes(std::span<const char>(text.data(), text.size())));
}

Sha256::Digest Sha256::finish() noexcept {
    // Section 5.1.1: append bit '1', zeros to 448 mod 512 bits, then the 64-bit message length.
    const std::uint64_t message_bits = message_bytes_ * 8U;
    buffer_[buffered_bytes_++] = 0x80U;
    if (buffered_bytes_ > 56) {
        std::fill(buffer_.begin() + static_cast<std::ptrdiff_t>(buffered_bytes_), buffer_.end(),
                  std::uint8_t{0});
        compress(buffer_.data());
        buffered_bytes_ = 0;
    }
    std::fill(buffer_.begin() + static_cast<std::ptrdiff_t>(buffered_bytes_), buffer_.begin() + 56,
              std::uint8_t{0});
    for (std::size_t i = 0; i < 8; ++i) {
        buffer_[56 + i] = static_cast<std::uint8_t>(message_bits >> (56U - 8U * i));
    }
    compress(buffer_.data());

    Digest digest{};
    for (std::size_t i = 0; i < state_.size(); ++i) {
        digest[4 * i] = static_cast<std::uint8_t>(state_[i] >> 24U);
        digest[4 * i + 1] = static_cast<std::uint8_t>(state_[i] >> 16U);
        digest[4 * i + 2] = static_cast<std::uint8_t>(state_[i] >> 8U);
        digest[4 * i + 3] = static_cast<std::uint8_t>(state_[i]);
    }
    reset();
    return digest;
}

std::string Sha256::finish_hex() { return to_hex(finish()); }

std::string to_hex(const Sha256::Digest& digest) {
    constexpr std::string_view hex_digits = "0123456789abcdef";
    std::string text;
    text.reserve(2 * digest.size());
    for (const std::uint8_t byte : digest) {
        text.push_back(hex_digits[byte >> 4U]);
        text.push_back(hex_digits[byte & 0x0fU]);
    }
    return text;
}

std::string sha256_hex(std::span<const std::byte> bytes) {
    Sha256 hash;
    hash.update(bytes);
    return hash.finish_hex();
}

std::string sha256_hex(std::string_view text) {
    Sha256 hash;
    hash.update(text);
    return hash.finish_hex();
}

std::string sha256_file_hex(const std::filesystem::path& path) {
    std::error_code ec;
    const auto status = std::filesystem::status(path, ec);
    if (ec || !std::filesystem::exists(status)) {
        throw InputError("cannot compute the SHA-256 of '" + path.string() +
                         "': the file does not exist; check the path");
    }
    if (!std::filesystem::is_regular_file(status)) {
        throw InputError("cannot compute the SHA-256 of '" + path.string() +
                         "': it is not a regular file");
    }
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        throw InputError("cannot compute the SHA-256 of '" + path.string() +
                         "': the file cannot be opened (" + std::strerror(errno) +
                         "); check its permissions");
    }
    // 1 MiB blocks: large enough to amortise the read calls, small enough to stay in cache.
    std::vector<char> block(std::size_t{1} << 20U);
    Sha256 hash;
    while (in) {
        in.read(block.data(), static_cast<std::streamsize>(block.size()));
        const std::streamsize got = in.gcount();
        if (got > 0) {
            hash.update(
                std::as_bytes(std::span<const char>(block.data(), static_cast<std::size_t>(got))));
        }
    }
    if (in.bad()) {
        throw InputError("cannot compute the SHA-256 of '" + path.string() +
                         "': reading failed part-way (I/O error)");
    }
    return hash.finish_hex();
}

} // namespace lauter::sim
