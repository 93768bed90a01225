#pragma once
/// @file radix_heap.hpp
/// A monotone radix heap over non-negative double keys with lazy deletion, for the turn-aware
/// query (turns.hpp), where every key pushed is at least the last key popped (Dijkstra with
/// non-negative costs).
///
/// Radix heap: Ahuja, Mehlhorn, Orlin & Tarjan 1990, "Faster algorithms for the shortest path
/// problem", J. ACM 37(2). Items sit in bucket b = the position of the highest bit in which their
/// key differs from the last popped key (bucket 0: equal to it). A pop empties the lowest
/// non-empty bucket into lower ones around its minimum, so each item moves at most 64 times and
/// a push costs one comparison of bit patterns, against the sift of a comparison heap; a bit mask
/// of the non-empty buckets finds the next one in one instruction. The bit
/// pattern of a non-negative IEEE 754 double orders like the value, so keys need no scaling.
/// On Kaiserslautern's turn-aware bike query (BM_BikeOneToAllTurnAware) it was 12 % faster than
/// the 4-ary heap of dary_heap.hpp with lazy deletion (docs/mobility.md). Equal inputs give
/// equal pop orders.

#include <array>
#include <bit>
#include <cstdint>
#include <limits>
#include <vector>

namespace lauter::kernels::mobility::detail {

class RadixHeap {
public:
    struct Item {
        double key;
        std::uint32_t id;
    };

    [[nodiscard]] bool empty() const noexcept { return size_ == 0; }
    /// A lower bound of every key in the heap: the last key popped (0 after clear()).
    [[nodiscard]] double lower_bound() const noexcept { return std::bit_cast<double>(last_); }

    void clear() noexcept {
        for (std::vector<Item>& bucket : buckets_) {
            bucket.clear();
        }
        last_ = 0;
        size_ = 0;
        occupied_ = 0;
    }

    /// Inserts (key, id); key must be >= lower_bound() and not NaN.
    void push(double key, std::uint32_t id) {
        put({key, id});
        ++size_;
    }

    /// Removes and returns an item with the smallest key (the heap must not be empty).
    Item pop() {
        if (buckets_[0].empty()) {
            // The lowest non-empty bucket, from the occupancy bits (bit b - 1 for bucket b).
            const auto b = static_cast<std::size_t>(std::countr_zero(occupied_)) + 1;
            occupied_ &= ~(std::uint64_t{1} << (b - 1));
            std::vector<Item>& from = buckets_[b];
            std::uint64_t smallest = std::numeric_limits<std::uint64_t>::max();
            for (const Item& item : from) {
                smallest = std::min(smallest, std::bit_cast<std::uint64_t>(item.key));
            }
            last_ = smallest;
            for (const Item& item : from) {
                put(item); // every item lands in a lower bucket
            }
            from.clear();
        }
        const Item item = buckets_[0].back();
        buckets_[0].pop_back();
        --size_;
        return item;
    }

private:
    void put(const Item& item) {
        const std::uint64_t bits = std::bit_cast<std::uint64_t>(item.key);
        if (bits == last_) {
            buckets_[0].push_back(item);
            return;
        }
        const auto b = static_cast<std::size_t>(64 - std::countl_zero(bits ^ last_));
        buckets_[b].push_back(item);
        occupied_ |= std::uint64_t{1} << (b - 1);
    }

    std::array<std::vector<Item>, 65> buckets_;
    std::uint64_t last_ = 0;     ///< bit pattern of the last key popped
    std::uint64_t occupied_ = 0; ///< bit b - 1 set: bucket b (1..64) is not empty
    std::size_t size_ = 0;
};

} // namespace lauter::kernels::mobility::detail
