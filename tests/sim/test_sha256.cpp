// SHA-256 against the FIPS 180-4 example vectors (NIST CSRC "Examples with intermediate values",
// SHA256.pdf and SHA2_Additional.pdf) and the one-million-'a' vector of FIPS 180-2 appendix B.3.
#include <catch2/catch.hpp>

#include <lauter/sim/error.hpp>
#include <lauter/sim/sha256.hpp>

#include "../support/test_support.hpp"

#include <random>
#include <string>

using namespace lauter::sim;
using lauter::test::TempDir;

namespace {
const std::string two_block_message = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
} // namespace

TEST_CASE("SHA-256 of the FIPS 180-4 example messages", "[sha256]") {
    CHECK(sha256_hex(std::string_view{}) ==
          "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    CHECK(sha256_hex("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    CHECK(sha256_hex(two_block_message) ==
          "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    CHECK(sha256_hex("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmno"
                     "ijklmnopjklmnopqklmnopqrlmnopqrsmnopqrstnopqrstu") ==
          "cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
    CHECK(sha256_hex(std::string(1000000, 'a')) ==
          "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST_CASE("SHA-256 streaming is independent of how the message is split", "[sha256]") {
    // Lengths around the 55/56/64-byte padding boundaries, split at every position.
    std::mt19937 rng(20240611U);
    for (std::size_t length : {0U, 1U, 55U, 56U, 57U, 63U, 64U, 65U, 119U, 120U, 128U, 200U}) {
        std::string message(length, '\0');
        for (char& c : message) {
            c = static_cast<char>(rng() & 0xffU);
        }
        const std::string whole = sha256_hex(message);
        for (std::size_t split = 0; split <= length; ++split) {
            Sha256 hash;
            hash.update(std::string_view(message).substr(0, split));
            hash.update(std::string_view(message).substr(split));
            INFO("length " << length << ", split at " << split);
            REQUIRE(hash.finish_hex() == whole);
        }
    }
    // finish() resets: the same object hashes a second message correctly.
    Sha256 hash;
    hash.update("garbage");
    (void)hash.finish();
    hash.update("abc");
    CHECK(hash.finish_hex() == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST_CASE("SHA-256 of files", "[sha256]") {
    TempDir dir;
    const auto big = dir.write("million_a.txt", std::string(1000000, 'a'));
    CHECK(sha256_file_hex(big) ==
          "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");

    const auto empty = dir.write("empty.bin", "");
    CHECK(sha256_file_hex(empty) ==
          "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");

    const auto missing = dir / "does_not_exist.tif";
    CHECK_THROWS_AS(sha256_file_hex(missing), InputError);
    CHECK_THROWS_WITH(sha256_file_hex(missing), Catch::Contains("does_not_exist.tif"));
    CHECK_THROWS_AS(sha256_file_hex(dir.path()), InputError);
}
