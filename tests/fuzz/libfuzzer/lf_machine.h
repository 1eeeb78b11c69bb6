// The libFuzzer targets' machine: one board with one NIC, built in this process the way emu's
// command line builds it (plugins from the build tree, the machine, the qtest accelerator, a
// back end, the -device), and driven through the same AddressSpace calls the qtest protocol's
// commands make (plugins/qtest/protocol.cpp), without the text and the socket in between.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "emu/event_loop.h"
#include "emu/machine.h"
#include "emu/memory.h"
#include "emu/object.h"

namespace emu::lf {

class Wire;

enum class Board { Pc, Virt };

// A window of the card's registers, as the harness reaches it.
struct Region {
    enum class Kind { Mmio, Pio, PciConfig } kind = Kind::Mmio;
    std::uint64_t base = 0;  // Mmio: physical address; Pio: port; PciConfig: unused
    std::uint64_t size = 0;
};

// The card: its type, board and where its registers are when the machine cannot tell (ISA
// ports, the virtio-mmio slot); PCI cards are found and their BARs placed on every reset.
struct Card {
    std::string name;    // fuzz-lf-<name>
    std::string device;  // the device type
    Board board;
    std::vector<Region> fixed_regions;
    std::uint64_t mmio_window = 0;  // a fixed register window DMA may be aimed at (0: the first BAR)
};

inline constexpr const char* kMac = "52:54:00:12:34:56";
inline constexpr std::uint64_t kWindowOffset = 1ull << 20;  // from the start of RAM
inline constexpr std::uint64_t kWindowSize = 256ull << 10;  // rings and buffers live here
inline constexpr std::uint64_t kRamSize = 32ull << 20;

class LfMachine {
public:
    explicit LfMachine(const Card& card);
    ~LfMachine();
    LfMachine(const LfMachine&) = delete;
    LfMachine& operator=(const LfMachine&) = delete;

    // Back to the power-on state: link bounced (drops queued frames), board reset, the RAM
    // window zeroed, PCI BARs placed and decoding turned on (what firmware does).
    void reset();

    const std::vector<Region>& regions() const { return regions_; }
    std::uint64_t ram_base() const { return board_ == Board::Pc ? 0 : 0x40000000; }
    std::uint64_t window() const { return ram_base() + kWindowOffset; }
    std::uint64_t register_window() const { return register_window_; }

    // Register access through a region (offset already inside it); refused accesses are ignored.
    void region_write(const Region& region, std::uint64_t offset, std::uint64_t value, unsigned size);
    std::uint64_t region_read(const Region& region, std::uint64_t offset, unsigned size);
    // Guest-physical memory, as a CPU or the qtest "write" command reaches it.
    void memory_write(std::uint64_t address, std::span<const std::uint8_t> bytes);
    // The virtual clock: ns forward (0: to the next timer, as qtest's bare clock_step).
    void clock_step(std::uint64_t ns);
    // A frame from the wire into the card.
    void inject(std::span<const std::uint8_t> frame);
    // Frames the card has sent and taken since the harness started (EMU_LF_VERBOSE).
    std::uint64_t frames_sent() const;
    std::uint64_t frames_taken() const;
    // Run what devices handed to the event loop (bottom halves, posted work), without blocking.
    void run_pending();

private:
    void build(const Card& card);
    void place_pci();
    std::uint32_t config_read(unsigned offset, unsigned size);
    void config_write(unsigned offset, std::uint32_t value, unsigned size);
    AddressSpace& memory();
    AddressSpace& ports();

    Board board_;
    EventLoop loop_;  // before the tree: destroyed after it
    std::unique_ptr<Object> root_;
    Machine* machine_ = nullptr;
    Wire* wire_ = nullptr;
    int devfn_ = -1;
    std::vector<Region> fixed_regions_;
    std::vector<Region> regions_;
    std::uint64_t register_window_ = 0;
};

}  // namespace emu::lf
