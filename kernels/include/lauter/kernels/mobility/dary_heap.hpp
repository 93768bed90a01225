#pragma once
/// @file dary_heap.hpp
/// The 4-ary min-heap with decrease-key of the node-based shortest-path query (routing.hpp
/// ShortestPathQuery). The heap stores (key, id) items; the caller keeps each id's heap position
/// in its own per-id state record (so that one relaxation touches one record) and hands a setter
/// to the sift functions. (The turn-aware query, whose labels can be pushed again instead of
/// decreased, uses the radix heap of radix_heap.hpp.)
///
/// A 4-ary heap halves the depth of a binary heap and keeps the children of a node in one cache
/// line (LaMarca & Ladner 1996, "The influence of caches on the performance of heaps"). Ties are
/// broken by the fixed sift order, so equal inputs always give equal settle orders.

#include <algorithm>
#include <cstdint>
#include <vector>

namespace lauter::kernels::mobility::detail {

struct HeapItem {
    double key;
    std::uint32_t id;
};

inline constexpr std::uint32_t heap_arity = 4;

/// Moves heap[i] up to its place; set_pos(id, position) records every move.
template <typename SetPos>
void heap_sift_up(std::vector<HeapItem>& heap, std::uint32_t i, SetPos&& set_pos) noexcept {
    const HeapItem item = heap[i];
    while (i > 0) {
        const std::uint32_t p = (i - 1) / heap_arity;
        if (heap[p].key <= item.key) {
            break;
        }
        heap[i] = heap[p];
        set_pos(heap[i].id, i);
        i = p;
    }
    heap[i] = item;
    set_pos(item.id, i);
}

/// Moves heap[i] down to its place; set_pos(id, position) records every move.
template <typename SetPos>
void heap_sift_down(std::vector<HeapItem>& heap, std::uint32_t i, SetPos&& set_pos) noexcept {
    const HeapItem item = heap[i];
    const auto n = static_cast<std::uint32_t>(heap.size());
    while (true) {
        const std::uint32_t first = heap_arity * i + 1;
        if (first >= n) {
            break;
        }
        const std::uint32_t last = std::min(first + heap_arity, n);
        std::uint32_t best = first;
        for (std::uint32_t c = first + 1; c < last; ++c) {
            if (heap[c].key < heap[best].key) {
                best = c;
            }
        }
        if (heap[best].key >= item.key) {
            break;
        }
        heap[i] = heap[best];
        set_pos(heap[i].id, i);
        i = best;
    }
    heap[i] = item;
    set_pos(item.id, i);
}

/// Removes and returns the minimum (the heap must not be empty).
template <typename SetPos>
HeapItem heap_pop(std::vector<HeapItem>& heap, SetPos&& set_pos) noexcept {
    const HeapItem top = heap[0];
    heap[0] = heap.back();
    heap.pop_back();
    if (!heap.empty()) {
        heap_sift_down(heap, 0, set_pos);
    }
    return top;
}

/// Inserts (key, id).
template <typename SetPos>
void heap_push(std::vector<HeapItem>& heap, double key, std::uint32_t id,
               SetPos&& set_pos) noexcept {
    heap.push_back({key, id});
    heap_sift_up(heap, static_cast<std::uint32_t>(heap.size() - 1), set_pos);
}

} // namespace lauter::kernels::mobility::detail
