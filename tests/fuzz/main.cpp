// emu_nic_fuzz NIC [--seed N] [--cases N | --seconds S] [--operations N] [--log FILE] [--emu PATH] [--board pc|virt]
//
// Runs fuzzing cases on one network card: case k uses seed N+k. With --seconds (or the
// FUZZ_SECONDS environment variable) cases run until the time is up; otherwise --cases of them
// (default 1). The first failing case stops the run and prints its seed, the reason, the last
// operations, the end of emu's output and the command that replays it. --emu runs another
// build's emu (an ASan build's, say) instead of this build tree's; --board puts a PCI card on
// that board for every case (by default even seeds use pc, odd ones virt).
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>

#include "nic_fuzzer.h"

namespace {

int usage() {
    std::cerr << "usage: emu_nic_fuzz NIC [--seed N|random] [--cases N | --seconds S] [--operations N]\n"
                 "                    [--log FILE] [--emu PATH] [--board pc|virt]\nNICs:";
    for (const auto& target : emu::fuzz::targets()) std::cerr << " " << target.name;
    std::cerr << "\n";
    return 2;
}

std::uint64_t clock_seed() {
    const auto now = std::chrono::system_clock::now().time_since_epoch().count();
    return static_cast<std::uint64_t>(now) % 1'000'000'007;
}

std::string tail(const std::string& text, std::size_t lines) {
    std::size_t at = text.size();
    while (lines-- && at > 0) {
        const std::size_t newline = text.rfind('\n', at - 1);
        if (newline == std::string::npos) return text;
        at = newline;
    }
    return text.substr(at);
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2) return usage();
    const std::string name = argv[1];
    const emu::fuzz::Target* target = nullptr;
    for (const auto& t : emu::fuzz::targets())
        if (t.name == name) target = &t;
    if (!target) return usage();

    emu::fuzz::CaseOptions options;
    unsigned long long cases = 1;
    double seconds = 0;
    if (const char* env = std::getenv("FUZZ_SECONDS")) seconds = std::atof(env);
    for (int i = 2; i + 1 < argc; i += 2) {
        const std::string flag = argv[i];
        const char* value = argv[i + 1];
        if (flag == "--seed") options.seed = std::string(value) == "random" ? clock_seed() : std::strtoull(value, nullptr, 0);
        else if (flag == "--cases") cases = std::strtoull(value, nullptr, 0), seconds = 0;
        else if (flag == "--seconds") seconds = std::atof(value);
        else if (flag == "--operations") options.operations = static_cast<unsigned>(std::strtoul(value, nullptr, 0));
        else if (flag == "--log") options.log_file = value;
        else if (flag == "--emu") options.emu_binary = value;
        else if (flag == "--board" && (value == std::string("pc") || value == std::string("virt")))
            options.board = value == std::string("pc") ? emu::fuzz::Board::Pc : emu::fuzz::Board::Virt;
        else return usage();
    }
    if (argc % 2) return usage();

    const auto start = std::chrono::steady_clock::now();
    const auto elapsed = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count(); };
    const std::uint64_t first = options.seed;
    unsigned long long done = 0, frames_in = 0, frames_out = 0;
    for (;; ++done) {
        if (seconds > 0 ? elapsed() >= seconds : done >= cases) break;
        options.seed = first + done;
        emu::fuzz::Fuzzer fuzzer(*target, options);
        const emu::fuzz::CaseFailure failure = fuzzer.run();
        frames_in += fuzzer.frames_in();
        frames_out += fuzzer.frames_out();
        if (failure.reason.empty()) continue;
        std::cout << "FAIL " << name << " seed " << options.seed << ": " << failure.reason << "\n";
        std::cout << "last operations:\n";
        for (const auto& line : fuzzer.history()) std::cout << "  " << line << "\n";
        std::cout << "end of emu's output:" << tail(fuzzer.emu_output(), 40) << "\n";
        std::cout << "replay: " << argv[0] << " " << name << " --seed " << options.seed << " --operations "
                  << options.operations << (options.emu_binary.empty() ? "" : " --emu " + options.emu_binary)
                  << (options.board == emu::fuzz::Board::Pc ? " --board pc" : "")
                  << (options.board == emu::fuzz::Board::Virt ? " --board virt" : "")
                  << " --log /tmp/" << name << "-" << options.seed << ".qtest\n";
        return 1;
    }
    std::cout << name << ": " << done << " cases (seeds " << first << ".." << first + done - 1 << ", "
              << options.operations << " operations each) in " << static_cast<int>(elapsed()) << " s, "
              << frames_in << " frames injected, " << frames_out << " sent by the card: no failure\n";
    return 0;
}
