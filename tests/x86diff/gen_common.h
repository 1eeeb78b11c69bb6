// What the i386 (gen.cpp) and 64-bit (gen64.cpp) instruction generators share: the random
// source, formatting, the --exclude/--only filter and the pieces of the SSE generators that do
// not depend on the mode.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "gen.h"

namespace x86diff {

std::string fmt(const char* f, ...) __attribute__((format(printf, 1, 2)));

// splitmix64: a case's whole content follows from its seed (so --case I reproduces case I).
class Rng {
public:
    explicit Rng(std::uint64_t seed) : state_(seed) {}
    std::uint64_t next() {
        std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ull);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
        return z ^ (z >> 31);
    }
    unsigned rnd(unsigned n) { return n ? static_cast<unsigned>(next() % n) : 0; }
    int range(int lo, int hi) { return lo + static_cast<int>(rnd(static_cast<unsigned>(hi - lo + 1))); }
    bool coin(unsigned percent = 50) { return rnd(100) < percent; }

private:
    std::uint64_t state_;
};

// Whether a generator name starts with one of the prefixes.
bool matches(const std::string& what, const std::vector<std::string>& prefixes);
// A group passes --exclude (none of its names) and --only (one of them, if given).
bool acceptable(const Group& g, const GenOptions& o);

// The "xmmword ptr" etc. of an SSE memory operand of `bytes` bytes.
const char* sse_ptr(unsigned bytes);
// A memory operand of `bytes` bytes in the scratch block at an offset that is a multiple of
// align (16 for the aligned forms); Gen's mem() makes the mode's addressing form.
template <class Gen>
std::string sse_mem(Gen& G, Group& g, unsigned bytes, unsigned align, unsigned avoid = 0) {
    const unsigned slots = (kScratch - bytes) / align + 1;
    const int off = static_cast<int>(align * G.rnd(slots));
    return G.mem(g, bytes, avoid, off, off + static_cast<int>(bytes));
}
// One of the SSE2 integer and logical ops of the form "op xmm, xmm/m128".
const char* pick_sse_int_op(Rng& G);

}  // namespace x86diff
