#include "gen_common.h"

#include <cstdarg>
#include <cstdio>

namespace x86diff {

std::string fmt(const char* f, ...) {
    char b[320];
    va_list ap;
    va_start(ap, f);
    std::vsnprintf(b, sizeof b, f, ap);
    va_end(ap);
    return b;
}

bool matches(const std::string& what, const std::vector<std::string>& prefixes) {
    for (const auto& p : prefixes)
        if (what.compare(0, p.size(), p) == 0) return true;
    return false;
}

bool acceptable(const Group& g, const GenOptions& o) {
    bool any = false;
    for (const auto& it : g.items) {
        if (it.what == "setup") continue;
        if (matches(it.what, o.exclude)) return false;
        any |= o.only.empty() || matches(it.what, o.only);
    }
    return any || g.items.empty();
}

const char* sse_ptr(unsigned bytes) {
    return bytes == 16 ? "xmmword ptr" : bytes == 8 ? "qword ptr" : bytes == 4 ? "dword ptr" : "word ptr";
}

const char* pick_sse_int_op(Rng& G) {
    static const char* const ops[] = {
        "paddb", "paddw", "paddd", "paddq", "psubb", "psubw", "psubd", "psubq", "paddsb", "paddsw", "paddusb",
        "paddusw", "psubsb", "psubsw", "psubusb", "psubusw", "pmullw", "pmulhw", "pmulhuw", "pmuludq", "pmaddwd",
        "pavgb", "pavgw", "psadbw", "pminub", "pmaxub", "pminsw", "pmaxsw", "pcmpeqb", "pcmpeqw", "pcmpeqd",
        "pcmpgtb", "pcmpgtw", "pcmpgtd", "pand", "pandn", "por", "pxor", "punpcklbw", "punpcklwd", "punpckldq",
        "punpcklqdq", "punpckhbw", "punpckhwd", "punpckhdq", "punpckhqdq", "packsswb", "packssdw", "packuswb",
        "andps", "andnps", "orps", "xorps", "andpd", "andnpd", "orpd", "xorpd", "unpcklps", "unpckhps",
        "unpcklpd", "unpckhpd",
    };
    return ops[G.rnd(sizeof ops / sizeof ops[0])];
}

}  // namespace x86diff
