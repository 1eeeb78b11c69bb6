// emu_lf_seeds CARD DIR: writes the card's seed inputs (lf_cards.cpp) into DIR, which the
// fuzz-lf-<card> targets and tests read as their starting corpus.
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "lf_cards.h"

int main(int argc, char** argv) {
    if (argc != 3) {
        std::fprintf(stderr, "usage: emu_lf_seeds CARD DIR\n");
        return 1;
    }
    const emu::lf::Card* card = emu::lf::find_card(argv[1]);
    if (!card) {
        std::fprintf(stderr, "emu_lf_seeds: no card '%s'\n", argv[1]);
        return 1;
    }
    const std::filesystem::path dir = argv[2];
    std::error_code error;
    std::filesystem::create_directories(dir, error);
    for (const auto& [name, bytes] : emu::lf::seeds(*card)) {
        std::ofstream out(dir / ("seed-" + name), std::ios::binary | std::ios::trunc);
        out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
        if (!out) {
            std::fprintf(stderr, "emu_lf_seeds: cannot write %s\n", (dir / ("seed-" + name)).c_str());
            return 1;
        }
    }
    return 0;
}
