// The NIC fuzzer's core: one fuzzing case is one emu process with one network card, driven over
// the device-test protocol (plugins/qtest) by a seeded random generator, so a case is replayed
// exactly by its seed (up to when the host delivers injected frames). The core owns what every
// card shares: the emu process, the card's wire (-netdev socket over UDP), PCI enumeration and
// config cycles, guest-RAM scribbling, the clock, addresses and lengths chosen to hurt, the log
// of the last operations, and the liveness checks. Each card (fuzz_*.cpp) adds a Target: its
// command line, its setup, and its structure-aware operations.
#pragma once

#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "qtest_client.h"

namespace emu::fuzz {

class Wire;
class Fuzzer;

enum class Board { Pc, Virt, Any };  // Any: pc for even seeds, virt for odd ones

// One card under test.
struct Target {
    std::string name;     // what the command line and the CMake target call it
    Board board;
    std::string device;   // the -device argument, without netdev= (the core adds the wire)
    // Finds the card (PCI: enumerates it) and keeps what its operations need in Fuzzer::state.
    std::function<void(Fuzzer&)> setup;
    // One structure-aware operation on the card.
    std::function<void(Fuzzer&)> operation;
};

const std::vector<Target>& targets();  // filled by the fuzz_*.cpp files (targets.cpp)

// A BAR as enumeration placed it.
struct Bar {
    std::uint64_t base = 0;
    std::uint64_t size = 0;  // 0: not implemented
    bool io = false;
};

struct CaseOptions {
    std::uint64_t seed = 1;
    unsigned operations = 2000;  // per case
    unsigned batch = 50;         // operations between liveness checks
    std::string log_file;        // the qtest protocol log, when not empty
    std::string emu_binary;      // default: the build tree's emu (another build's, e.g. ASan)
    Board board = Board::Any;    // the board of a card that runs on both; Any: by the seed
};

// Why a case failed (emu died, hung, or reported a memory error).
struct CaseFailure {
    std::string reason;
};

class Fuzzer {
public:
    Fuzzer(const Target& target, const CaseOptions& options);
    ~Fuzzer();
    Fuzzer(const Fuzzer&) = delete;
    Fuzzer& operator=(const Fuzzer&) = delete;

    // Runs the case; returns the failure, or an empty reason if emu survived and exited cleanly.
    CaseFailure run();
    // The last operations, oldest first (printed with a failure).
    const std::deque<std::string>& history() const { return history_; }
    std::string emu_output() const;

    // ---- Randomness ----
    std::uint64_t next() { return random_(); }
    std::uint64_t below(std::uint64_t n) { return n ? random_() % n : 0; }
    bool chance(unsigned percent) { return below(100) < percent; }
    template <typename T>
    T pick(const std::vector<T>& items) { return items[below(items.size())]; }
    // A value of size bytes biased to edges: 0, all ones, single bits, small, random.
    std::uint64_t value(unsigned size);
    // A guest-physical address for the card to DMA to or from: mostly RAM, but also inside the
    // rings, straddling the end of RAM, the card's own registers, holes and absurd addresses.
    std::uint64_t dma_address();
    // A plausible place for a ring or buffer in RAM (aligned to align).
    std::uint64_t ram_address(std::uint64_t align = 16);
    // A length biased to edges: 0, 1, Ethernet sizes, page sizes, 16/32-bit extremes.
    std::uint32_t length();
    // Remembers a ring, so that dma_address() sometimes points into it.
    void note_ring(std::uint64_t address) { rings_.push_back(address); }

    // ---- The machine (every access is logged; an access the device refuses is no failure) ----
    void write(std::uint64_t address, std::uint64_t value, unsigned size);
    std::uint64_t read(std::uint64_t address, unsigned size);
    void out(std::uint16_t port, std::uint64_t value, unsigned size);
    std::uint64_t in(std::uint16_t port, unsigned size);
    // Guest RAM, as a driver writes it (only inside RAM, so the writes themselves succeed).
    void poke(std::uint64_t address, const std::vector<std::uint8_t>& bytes);
    void poke32(std::uint64_t address, std::uint32_t value);
    void poke16(std::uint64_t address, std::uint16_t value);
    void poke64(std::uint64_t address, std::uint64_t value);
    bool in_ram(std::uint64_t address, std::uint64_t size) const;
    // A frame for the card to send, at address (if in RAM): Ethernet (VLAN now and then), IPv4
    // or IPv6, TCP or UDP, with header lengths and total lengths that are right or not, so that
    // checksum and segmentation offloads parse it.
    void poke_packet(std::uint64_t address, std::uint32_t length);

    // ---- PCI (pc: 0xcf8/0xcfc; virt: the ECAM) ----
    bool pci() const { return devfn_ >= 0; }
    std::uint32_t config_read(unsigned offset, unsigned size);
    void config_write(unsigned offset, std::uint32_t value, unsigned size);
    // Finds the first network-class function, sizes and places its BARs, turns on I/O, memory
    // and bus mastering. Returns false if no card is there.
    bool enumerate_pci();
    const Bar& bar(unsigned n) const { return bars_[n]; }
    // A register access through BAR n (memory or I/O alike).
    void bar_write(unsigned n, std::uint64_t offset, std::uint64_t value, unsigned size);
    std::uint64_t bar_read(unsigned n, std::uint64_t offset, unsigned size);
    // The capability list (id, offset), for virtio's vendor capabilities.
    std::vector<std::pair<unsigned, unsigned>> capabilities();

    // The card's own register window (for DMA aimed at it); set by setup.
    void set_register_window(std::uint64_t base, std::uint64_t size) { registers_ = {base, size, false}; }

    std::uint64_t ram_base() const;
    std::uint64_t ram_size() const;
    Board board() const { return board_; }
    // Frames injected into the card and frames it sent, for the summary.
    std::uint64_t frames_in() const { return frames_in_; }
    std::uint64_t frames_out() const { return frames_out_; }

    // Per-card state its operations keep between calls (a model of what the driver set up).
    std::shared_ptr<void> state;

    void note(const std::string& line);

private:
    void common_operation();
    void inject_frame();
    void step_clock();
    void scribble_ram();
    void pci_config_chaos();
    void check_alive(const char* when);
    CaseFailure finish();

    const Target& target_;
    Board board_;
    CaseOptions options_;
    std::mt19937_64 random_;
    std::unique_ptr<Wire> wire_;
    std::unique_ptr<test::QtestClient> qt_;
    std::deque<std::string> history_;
    std::vector<std::uint64_t> rings_;
    int devfn_ = -1;
    Bar bars_[6];
    Bar registers_;
    std::uint64_t frames_in_ = 0;
    std::uint64_t frames_out_ = 0;
};

}  // namespace emu::fuzz
