// The NIC fuzzer's core (see nic_fuzzer.h): the case loop, the wire, PCI, RAM and the checks.
#include "nic_fuzzer.h"

#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <stdexcept>

#include "pci_bars.h"

namespace emu::fuzz {

namespace {

constexpr std::uint64_t kRamSize = 128ull << 20;
constexpr std::uint64_t kVirtRam = 0x40000000;
constexpr std::uint64_t kVirtEcam = 0x3f000000;
constexpr std::uint64_t kVirtPio = 0x3eff0000;
constexpr std::uint64_t kVirtPciMem = 0x10000000;
constexpr std::uint64_t kPcPciMem = 0xe0000000;
constexpr std::uint16_t kPcPciIo = 0xc000;
constexpr std::size_t kHistory = 60;
const char* const kMac = "52:54:00:12:34:56";

std::string hex(std::uint64_t v) {
    char text[24];
    std::snprintf(text, sizeof text, "0x%llx", static_cast<unsigned long long>(v));
    return text;
}

const char* suffix(unsigned size) {
    switch (size) {
    case 1: return "b";
    case 2: return "w";
    case 4: return "l";
    default: return "q";
    }
}

int bound_udp_socket(int& port) {
    const int fd = ::socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0)
        throw std::runtime_error("cannot bind a UDP socket on loopback");
    port = ntohs(address.sin_port);
    return fd;
}

}  // namespace

// The card's cable: a UDP socket this process owns (emu's udp=), and the port emu receives on
// (its localaddr=), picked by binding and releasing it just before emu starts.
class Wire {
public:
    Wire() {
        fd_ = bound_udp_socket(port_);
        const int probe = bound_udp_socket(emu_port_);
        ::close(probe);
    }
    ~Wire() { ::close(fd_); }
    Wire(const Wire&) = delete;
    Wire& operator=(const Wire&) = delete;

    std::string netdev() const {
        return "socket,id=n,udp=127.0.0.1:" + std::to_string(port_) + ",localaddr=127.0.0.1:" + std::to_string(emu_port_);
    }
    void send(const std::vector<std::uint8_t>& frame) {
        sockaddr_in to{};
        to.sin_family = AF_INET;
        to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        to.sin_port = htons(static_cast<std::uint16_t>(emu_port_));
        ::sendto(fd_, frame.data(), frame.size(), 0, reinterpret_cast<sockaddr*>(&to), sizeof to);
    }
    // Frames emu sent since the last call (discarded: only their number matters).
    unsigned drain() {
        unsigned n = 0;
        std::uint8_t buffer[65536];
        while (::recv(fd_, buffer, sizeof buffer, 0) >= 0) ++n;
        return n;
    }

private:
    int fd_ = -1;
    int port_ = 0;
    int emu_port_ = 0;
};

Fuzzer::Fuzzer(const Target& target, const CaseOptions& options)
    : target_(target), options_(options), random_(options.seed), wire_(std::make_unique<Wire>()) {
    board_ = target.board;
    if (board_ == Board::Any) board_ = options.board;
    if (board_ == Board::Any) board_ = options.seed % 2 || !EMU_FUZZ_HAVE_PC ? Board::Virt : Board::Pc;
    std::vector<std::string> args = {"-M", board_ == Board::Pc ? "pc" : "virt", "-m", "128", "-nic", "none",
                                     "-netdev", wire_->netdev(), "-device",
                                     target.device + ",netdev=n,mac=" + kMac};
    test::QtestClient::Options qt_options;
    qt_options.answer_timeout = test::QtestClient::Millis(5'000);
    qt_options.log_file = options.log_file;
    qt_options.emu_binary = options.emu_binary;
    qt_ = std::make_unique<test::QtestClient>(args, qt_options);
}

Fuzzer::~Fuzzer() = default;

std::string Fuzzer::emu_output() const { return qt_->output(); }

void Fuzzer::note(const std::string& line) {
    history_.push_back(line);
    if (history_.size() > kHistory) history_.pop_front();
}

// ---- Randomness ------------------------------------------------------------------------------

std::uint64_t Fuzzer::value(unsigned size) {
    const std::uint64_t mask = size >= 8 ? ~0ull : (1ull << (size * 8)) - 1;
    switch (below(8)) {
    case 0: return 0;
    case 1: return mask;
    case 2: return (1ull << below(size * 8)) & mask;
    case 3: return below(16);
    case 4: return ~(1ull << below(size * 8)) & mask;
    default: return next() & mask;
    }
}

std::uint64_t Fuzzer::ram_base() const { return board_ == Board::Pc ? 0 : kVirtRam; }
std::uint64_t Fuzzer::ram_size() const { return kRamSize; }

bool Fuzzer::in_ram(std::uint64_t address, std::uint64_t size) const {
    return address >= ram_base() && size <= kRamSize && address - ram_base() <= kRamSize - size;
}

std::uint64_t Fuzzer::ram_address(std::uint64_t align) {
    // The 4 MiB from 1 MiB: small enough that rings, buffers and frames keep meeting.
    const std::uint64_t address = ram_base() + (1ull << 20) + below(4ull << 20);
    return address & ~(align - 1);
}

std::uint64_t Fuzzer::dma_address() {
    const unsigned r = static_cast<unsigned>(below(100));
    if (r < 55) return ram_address(chance(50) ? 1 : 16);
    if (r < 67 && !rings_.empty()) return pick(rings_) + below(64) * (chance(50) ? 1 : 16);
    if (r < 75) return ram_base() + kRamSize - below(4096);  // straddling the end of RAM
    if (r < 81 && registers_.size) return registers_.base + below(registers_.size);
    if (r < 86) return pick(std::vector<std::uint64_t>{0, 0xa0000, 0xfee00000, 0xfec00000, 0xfffffff0, 0x08000000,
                                                       0x0a000000, ram_base() - 8});
    if (r < 92) return pick(std::vector<std::uint64_t>{~0ull - below(4096), 1ull << 63, (1ull << 48) - 2, 1ull << 32});
    return chance(50) ? next() : next() & 0xffffffff;
}

std::uint32_t Fuzzer::length() {
    switch (below(12)) {
    case 0: return 0;
    case 1: return 1 + static_cast<std::uint32_t>(below(16));
    case 2: return pick(std::vector<std::uint32_t>{14, 59, 60, 64, 1500, 1514, 1518, 1522});
    case 3: return pick(std::vector<std::uint32_t>{4095, 4096, 8192, 9018, 16384, 65535, 65536});
    case 4: return pick(std::vector<std::uint32_t>{0x7fffffff, 0x80000000, 0xffffffff, 0xfffffff0});
    case 5: return static_cast<std::uint32_t>(next());
    default: return 1 + static_cast<std::uint32_t>(below(2048));
    }
}

// ---- The machine -----------------------------------------------------------------------------

void Fuzzer::write(std::uint64_t address, std::uint64_t value, unsigned size) {
    const std::string line = std::string("write") + suffix(size) + " " + hex(address) + " " + hex(value);
    note(line);
    qt_->command(line);  // FAIL (a width the device refuses) is an answer like any other
}

std::uint64_t Fuzzer::read(std::uint64_t address, unsigned size) {
    const std::string line = std::string("read") + suffix(size) + " " + hex(address);
    note(line);
    const std::string answer = qt_->command(line);
    return answer.rfind("OK ", 0) == 0 ? std::strtoull(answer.c_str() + 3, nullptr, 0) : ~0ull;
}

void Fuzzer::out(std::uint16_t port, std::uint64_t value, unsigned size) {
    const std::string line = std::string("out") + suffix(size) + " " + hex(port) + " " + hex(value);
    note(line);
    qt_->command(line);
}

std::uint64_t Fuzzer::in(std::uint16_t port, unsigned size) {
    const std::string line = std::string("in") + suffix(size) + " " + hex(port);
    note(line);
    const std::string answer = qt_->command(line);
    return answer.rfind("OK ", 0) == 0 ? std::strtoull(answer.c_str() + 3, nullptr, 0) : ~0ull;
}

void Fuzzer::poke(std::uint64_t address, const std::vector<std::uint8_t>& bytes) {
    if (bytes.empty() || !in_ram(address, bytes.size())) return;
    note("write " + hex(address) + " " + std::to_string(bytes.size()) + " ...");
    qt_->memwrite(address, bytes);
}

void Fuzzer::poke16(std::uint64_t address, std::uint16_t v) {
    poke(address, {static_cast<std::uint8_t>(v), static_cast<std::uint8_t>(v >> 8)});
}
void Fuzzer::poke32(std::uint64_t address, std::uint32_t v) {
    std::vector<std::uint8_t> bytes(4);
    for (unsigned i = 0; i < 4; ++i) bytes[i] = static_cast<std::uint8_t>(v >> (8 * i));
    poke(address, bytes);
}
void Fuzzer::poke64(std::uint64_t address, std::uint64_t v) {
    std::vector<std::uint8_t> bytes(8);
    for (unsigned i = 0; i < 8; ++i) bytes[i] = static_cast<std::uint8_t>(v >> (8 * i));
    poke(address, bytes);
}

void Fuzzer::poke_packet(std::uint64_t address, std::uint32_t length) {
    std::vector<std::uint8_t> frame(std::min<std::uint32_t>(length, 2048));
    for (auto& byte : frame) byte = static_cast<std::uint8_t>(next());
    const auto put16 = [&](std::size_t at, std::uint64_t v) {
        if (at + 1 < frame.size()) frame[at] = static_cast<std::uint8_t>(v >> 8), frame[at + 1] = static_cast<std::uint8_t>(v);
    };
    std::size_t at = 12;
    if (chance(20)) put16(at, 0x8100), at += 4;  // a VLAN tag
    const bool ipv6 = chance(20);
    put16(at, ipv6 ? 0x86dd : 0x0800);
    at += 2;
    const std::size_t ip = at;
    const std::uint8_t protocol = pick(std::vector<std::uint8_t>{6, 6, 17, 1});
    const std::size_t wire_length = frame.size() > ip ? frame.size() - ip : 0;
    if (ipv6) {
        if (ip < frame.size()) frame[ip] = 0x60;
        put16(ip + 4, chance(70) && wire_length >= 40 ? wire_length - 40 : next());
        if (ip + 6 < frame.size()) frame[ip + 6] = protocol;
        at = ip + 40;
    } else {
        const unsigned ihl = chance(80) ? 5 : static_cast<unsigned>(below(16));
        if (ip < frame.size()) frame[ip] = static_cast<std::uint8_t>(0x40 | ihl);
        put16(ip + 2, chance(70) ? wire_length : next());
        put16(ip + 6, chance(70) ? 0 : next());  // flags, fragment offset
        if (ip + 9 < frame.size()) frame[ip + 9] = protocol;
        at = ip + 4 * ihl;
    }
    if (protocol == 6 && at + 12 < frame.size())
        frame[at + 12] = static_cast<std::uint8_t>((chance(80) ? 5 : below(16)) << 4);  // TCP data offset
    if (protocol == 17) put16(at + 4, chance(70) && frame.size() > at ? frame.size() - at : next());  // UDP length
    poke(address, frame);
}

// ---- PCI -------------------------------------------------------------------------------------

std::uint32_t Fuzzer::config_read(unsigned offset, unsigned size) {
    offset &= 0xff;
    if (board_ == Board::Virt)
        return static_cast<std::uint32_t>(read(kVirtEcam + (static_cast<unsigned>(devfn_) << 12) + offset, size));
    out(0xcf8, 0x80000000u | static_cast<unsigned>(devfn_) << 8 | (offset & 0xfc), 4);
    return static_cast<std::uint32_t>(in(static_cast<std::uint16_t>(0xcfc + (offset & 3)), size));
}

void Fuzzer::config_write(unsigned offset, std::uint32_t v, unsigned size) {
    offset &= 0xff;
    if (board_ == Board::Virt) {
        write(kVirtEcam + (static_cast<unsigned>(devfn_) << 12) + offset, v, size);
        return;
    }
    out(0xcf8, 0x80000000u | static_cast<unsigned>(devfn_) << 8 | (offset & 0xfc), 4);
    out(static_cast<std::uint16_t>(0xcfc + (offset & 3)), v, size);
}

bool Fuzzer::enumerate_pci() {
    for (int devfn = 8; devfn < 256 && devfn_ < 0; devfn += 8) {
        devfn_ = devfn;
        if ((config_read(0, 4) & 0xffff) == 0xffff || config_read(0x08, 4) >> 16 != 0x0200) devfn_ = -1;
    }
    if (devfn_ < 0) return false;
    const auto read = [this](unsigned offset, unsigned size) { return config_read(offset, size); };
    const auto write = [this](unsigned offset, std::uint32_t v, unsigned size) { config_write(offset, v, size); };
    for (const PlacedBar& p : place_bars(read, write, board_ == Board::Pc ? kPcPciMem : kVirtPciMem, kPcPciIo)) {
        Bar& b = bars_[p.index];
        b.io = p.io;
        b.base = p.base;
        b.size = p.size;
    }
    config_write(0x04, 0x0007, 2);  // I/O, memory, bus master
    return true;
}

void Fuzzer::bar_write(unsigned n, std::uint64_t offset, std::uint64_t v, unsigned size) {
    const Bar& b = bars_[n];
    if (!b.io) return write(b.base + offset, v, size);
    if (board_ == Board::Virt) return write(kVirtPio + b.base + offset, v, size);
    out(static_cast<std::uint16_t>(b.base + offset), v, size);
}

std::uint64_t Fuzzer::bar_read(unsigned n, std::uint64_t offset, unsigned size) {
    const Bar& b = bars_[n];
    if (!b.io) return read(b.base + offset, size);
    if (board_ == Board::Virt) return read(kVirtPio + b.base + offset, size);
    return in(static_cast<std::uint16_t>(b.base + offset), size);
}

std::vector<std::pair<unsigned, unsigned>> Fuzzer::capabilities() {
    std::vector<std::pair<unsigned, unsigned>> found;
    unsigned offset = config_read(0x34, 1) & 0xfc;
    for (int guard = 0; offset >= 0x40 && guard < 48; ++guard) {
        found.emplace_back(config_read(offset, 1), offset);
        offset = config_read(offset + 1, 1) & 0xfc;
    }
    return found;
}

// ---- What every card gets --------------------------------------------------------------------

void Fuzzer::inject_frame() {
    std::vector<std::uint8_t> frame;
    switch (below(10)) {
    case 0: frame.resize(below(14)); break;
    case 1: frame.resize(1515 + below(9018 - 1515)); break;
    case 2: frame.resize(pick(std::vector<std::size_t>{60, 64, 1514, 1518, 4096, 16384, 65507})); break;
    default: frame.resize(14 + below(1500)); break;
    }
    for (auto& byte : frame) byte = static_cast<std::uint8_t>(next());
    if (frame.size() >= 14) {
        static const std::uint8_t ours[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
        switch (below(4)) {
        case 0: std::fill(frame.begin(), frame.begin() + 6, 0xff); break;
        case 1: frame[0] |= 1; break;  // multicast
        case 2: break;
        default: std::copy(std::begin(ours), std::end(ours), frame.begin()); break;
        }
        const std::uint16_t type = pick(std::vector<std::uint16_t>{0x0800, 0x0806, 0x8100, 0x86dd, 0x0800, 0x88a8});
        frame[12] = static_cast<std::uint8_t>(type >> 8);
        frame[13] = static_cast<std::uint8_t>(type);
        if (type == 0x0800 && frame.size() >= 34 && chance(70)) {
            frame[14] = 0x45;  // an IPv4 header the offloads will parse, with random lengths
            frame[23] = pick(std::vector<std::uint8_t>{6, 17, 1});
        }
    }
    note("frame in, " + std::to_string(frame.size()) + " bytes");
    wire_->send(frame);
    ++frames_in_;
}

void Fuzzer::step_clock() {
    if (chance(10)) {
        note("clock_step (next deadline)");
        qt_->command("clock_step");
        return;
    }
    const std::uint64_t ns = pick(std::vector<std::uint64_t>{1000, 100'000, 1'000'000, 10'000'000, 1'000'000'000}) *
                             (1 + below(3));
    note("clock_step " + std::to_string(ns));
    qt_->command("clock_step " + std::to_string(ns));
}

void Fuzzer::scribble_ram() {
    // Corrupts a ring or buffer in place, as a racing or malicious driver would.
    const std::uint64_t address = !rings_.empty() && chance(70) ? pick(rings_) + below(256) : ram_address(1);
    std::vector<std::uint8_t> bytes(1 + below(64));
    for (auto& byte : bytes) byte = static_cast<std::uint8_t>(chance(30) ? 0xff : next());
    poke(address, bytes);
}

void Fuzzer::pci_config_chaos() {
    const unsigned r = static_cast<unsigned>(below(10));
    if (r < 3) {
        // Command register: decoding and bus mastering off and on again.
        config_write(0x04, static_cast<std::uint32_t>(chance(70) ? 0x7 : value(2)), 2);
    } else if (r < 5 && !capabilities().empty()) {
        // MSI/MSI-X enables and masks, vectors anywhere.
        const auto caps = capabilities();
        const auto cap = caps[below(caps.size())];
        config_write(cap.second + 2 + static_cast<unsigned>(below(12)), static_cast<std::uint32_t>(value(2)), 2);
    } else if (r < 6) {
        // A BAR moved (over RAM, over another BAR), then put back.
        const unsigned n = static_cast<unsigned>(below(6));
        config_write(0x10 + 4 * n, static_cast<std::uint32_t>(chance(50) ? ram_address(4096) : value(4)), 4);
        config_read(0x10 + 4 * n, 4);
        if (bars_[n].size) config_write(0x10 + 4 * n, static_cast<std::uint32_t>(bars_[n].base), 4);
    } else if (r < 8) {
        config_read(static_cast<unsigned>(below(256)), pick(std::vector<unsigned>{1, 2, 4}));
    } else {
        // Anywhere but the BARs and the command register (kept so the case keeps reaching the card).
        unsigned offset = 0x3c + static_cast<unsigned>(below(0xc4));
        config_write(offset, static_cast<std::uint32_t>(value(1)), 1);
    }
}

void Fuzzer::common_operation() {
    const unsigned r = static_cast<unsigned>(below(100));
    if (r < 30) {
        inject_frame();
    } else if (r < 55) {
        step_clock();
    } else if (r < 70) {
        scribble_ram();
    } else if (r < 85 && pci()) {
        pci_config_chaos();
    } else if (registers_.size) {
        // Any offset and width in the register window, aligned or not.
        const unsigned size = pick(std::vector<unsigned>{1, 2, 4, 8});
        const std::uint64_t address = registers_.base + below(registers_.size);
        if (chance(50)) read(address, size);
        else write(address, value(size), size);
    }
    if (chance(20)) {
        frames_out_ += wire_->drain();
        if (board_ == Board::Pc) qt_->command("msi_take");
    }
}

void Fuzzer::check_alive(const char* when) {
    note(std::string("liveness check ") + when);
    qt_->readl(ram_base());  // throws if emu does not answer in time
    if (!qt_->running()) throw test::QtestError("emu is no longer running");
}

CaseFailure Fuzzer::finish() {
    qt_->disconnect();
    const int status = qt_->wait_exit(test::QtestClient::Millis(20'000));
    const std::string output = qt_->output();
    for (const char* marker : {"AddressSanitizer", "LeakSanitizer", "runtime error:", "UndefinedBehaviorSanitizer"})
        if (output.find(marker) != std::string::npos) return {std::string("emu reported ") + marker};
    if (status != 0) return {"emu did not exit cleanly after the test disconnected (status " + std::to_string(status) + ")"};
    return {};
}

CaseFailure Fuzzer::run() {
    try {
        if (board_ == Board::Pc) qt_->irq_intercept_in("ioapic");
        target_.setup(*this);
        check_alive("after setup");
        for (unsigned i = 0; i < options_.operations; ++i) {
            if (below(100) < 65) target_.operation(*this);
            else common_operation();
            if ((i + 1) % options_.batch == 0) check_alive(("after operation " + std::to_string(i + 1)).c_str());
        }
    } catch (const test::QtestError& e) {
        return {std::string(qt_->running() ? "emu hung: " : "emu died: ") + e.what()};
    }
    return finish();
}

}  // namespace emu::fuzz
