// STREAM-style triad (a = b + s*c) over arrays far larger than the caches. It gives the machine's
// sustainable memory bandwidth in the same run as the kernel benchmarks, so that kernel figures
// can be reported as a fraction of this roofline rather than as absolute times on a shared machine.
#include <benchmark/benchmark.h>

#include <cstddef>
#include <vector>

namespace {

void BM_stream_triad(benchmark::State& state) {
    const auto n = static_cast<std::size_t>(state.range(0));
    std::vector<double> a(n, 0.0);
    std::vector<double> b(n, 1.0);
    std::vector<double> c(n, 2.0);
    const double scalar = 3.0;
    for (auto _ : state) {
#pragma omp parallel for schedule(static)
        for (std::ptrdiff_t i = 0; i < static_cast<std::ptrdiff_t>(n); ++i) {
            const auto k = static_cast<std::size_t>(i);
            a[k] = b[k] + scalar * c[k];
        }
        benchmark::DoNotOptimize(a.data());
        benchmark::ClobberMemory();
    }
    // Three arrays of doubles cross the memory bus per element (two reads, one write).
    state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                            static_cast<std::int64_t>(3 * n * sizeof(double)));
    state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations()) *
                            static_cast<std::int64_t>(n));
}

} // namespace

BENCHMARK(BM_stream_triad)->Arg(1 << 24)->Unit(benchmark::kMillisecond)->UseRealTime();
