#include "lf_machine.h"

#include <algorithm>
#include <cstdio>
#include <stdexcept>

#include "emu/cpu.h"
#include "emu/device.h"
#include "emu/error.h"
#include "emu/lock.h"
#include "emu/net.h"
#include "emu/property.h"
#include "emu/type.h"
#include "emu/x86.h"
#include "plugin_loader.h"
#include "../pci_bars.h"

namespace emu::lf {

namespace {

constexpr std::uint64_t kVirtEcam = 0x3f000000;
constexpr std::uint64_t kVirtPio = 0x3eff0000;
constexpr std::uint64_t kVirtPciMem = 0x10000000;
constexpr std::uint64_t kPcPciMem = 0xe0000000;
constexpr std::uint64_t kPcPciIo = 0xc000;

}  // namespace

// The card's cable, in process: frames the card sends are dropped, inject() hands it frames.
// Deterministic, unlike a socket back end: a frame arrives when the input says so.
class Wire final : public NetBackend {
public:
    bool receive(std::span<const std::uint8_t>) override { return true; }
};

namespace {

TypeRegistry& registry() {
    // Kept for the whole process: the types hold code that lives in the plugins.
    static TypeRegistry* registry = [] {
        auto* r = new TypeRegistry;
        static PluginLoader loader(*r);
        loader.load_directory(EMU_PLUGIN_DIR);
        for (const std::string& line : loader.failures()) std::fprintf(stderr, "fuzz-lf: warning: %s\n", line.c_str());
        TypeBatch batch;
        batch.add({.name = "netdev-lf",
                   .parent = "netdev",
                   .user_creatable = false,
                   .category = Category::Network,
                   .description = "the libFuzzer harness's wire: the input decides when frames arrive",
                   .factory = factory_of<Wire>()});
        r->register_batch(batch, "fuzz-lf");
        return r;
    }();
    return *registry;
}

}  // namespace

LfMachine::LfMachine(const Card& card) : board_(card.board), fixed_regions_(card.fixed_regions) {
    BigLockGuard locked;
    build(card);
    register_window_ = card.mmio_window;
    reset();
}

LfMachine::~LfMachine() {
    BigLockGuard locked;
    unrealize_tree(*root_);
    root_.reset();
}

// As core/cli/run.cpp's Emulator: -M <board> -accel qtest -m 32 -netdev lf,id=lf
// -device <card>,netdev=lf,mac=<kMac>.
void LfMachine::build(const Card& card) {
    TypeRegistry& types = registry();
    root_ = types.create("container");
    machine_ = root_->add_child("machine", types.create(board_ == Board::Pc ? "pc" : "virt")).as<Machine>();
    MachineConfig config;
    config.ram_size = kRamSize;
    config.accel = "qtest";
    config.start_paused = true;
    machine_->attach(loop_, std::move(config));
    auto& accel = dynamic_cast<Accelerator&>(root_->add_child("accel", types.create("qtest")));
    accel.init(*machine_);
    machine_->set_accelerator(&accel);
    machine_->init();

    Object& wire = root_->container("netdev").add_child("lf", types.create("netdev-lf"));
    wire_ = dynamic_cast<Wire*>(&wire);
    wire_->realize();
    auto& nic = dynamic_cast<Device&>(
        machine_->container("peripheral").add_child("nic", types.create(card.device)));
    nic.set_property("netdev", "lf");
    nic.set_property("mac", kMac);
    nic.realize();

    if (board_ == Board::Pc || card.fixed_regions.empty()) {
        // The first network-class PCI function (none for ne2k_isa).
        for (int devfn = 8; devfn < 256 && devfn_ < 0; devfn += 8) {
            devfn_ = devfn;
            if ((config_read(0, 4) & 0xffff) == 0xffff || config_read(0x08, 4) >> 16 != 0x0200) devfn_ = -1;
        }
    }
}

AddressSpace& LfMachine::memory() { return *machine_->system_memory(); }

AddressSpace& LfMachine::ports() {
    auto* x86 = dynamic_cast<X86Machine*>(machine_);
    if (!x86 || !x86->io_space()) throw std::logic_error("no I/O ports on this board");
    return *x86->io_space();
}

std::uint32_t LfMachine::config_read(unsigned offset, unsigned size) {
    offset &= 0xff;
    std::uint64_t value = ~0ull;
    if (board_ == Board::Virt) {
        memory().read_value(kVirtEcam + (static_cast<unsigned>(devfn_) << 12) + offset, size, value);
    } else {
        ports().write_value(0xcf8, 4, 0x80000000u | static_cast<unsigned>(devfn_) << 8 | (offset & 0xfc));
        ports().read_value(0xcfc + (offset & 3), size, value);
    }
    return static_cast<std::uint32_t>(value);
}

void LfMachine::config_write(unsigned offset, std::uint32_t value, unsigned size) {
    offset &= 0xff;
    if (board_ == Board::Virt) {
        memory().write_value(kVirtEcam + (static_cast<unsigned>(devfn_) << 12) + offset, size, value);
        return;
    }
    ports().write_value(0xcf8, 4, 0x80000000u | static_cast<unsigned>(devfn_) << 8 | (offset & 0xfc));
    ports().write_value(0xcfc + (offset & 3), size, value);
}

// Sizes and places every BAR (../pci_bars.h, shared with tests/fuzz/nic_fuzzer.cpp), then turns on
// I/O, memory and bus mastering.
void LfMachine::place_pci() {
    const auto read = [this](unsigned offset, unsigned size) { return config_read(offset, size); };
    const auto write = [this](unsigned offset, std::uint32_t v, unsigned size) { config_write(offset, v, size); };
    for (const fuzz::PlacedBar& b : fuzz::place_bars(read, write, board_ == Board::Pc ? kPcPciMem : kVirtPciMem, kPcPciIo)) {
        if (b.io && board_ == Board::Pc)
            regions_.push_back({Region::Kind::Pio, b.base, b.size});
        else
            regions_.push_back({Region::Kind::Mmio, b.io ? kVirtPio + b.base : b.base, b.size});
    }
    config_write(0x04, 0x0007, 2);
    regions_.push_back({Region::Kind::PciConfig, 0, 256});
}

void LfMachine::reset() {
    BigLockGuard locked;
    // Frames queued on either side of the wire are dropped with the link.
    wire_->set_link_up(false);
    wire_->set_link_up(true);
    machine_->request_reset();
    run_pending();
    static const std::vector<std::uint8_t> zeros(kWindowSize);
    memory().write(window(), zeros.data(), zeros.size());
    regions_ = fixed_regions_;
    if (devfn_ >= 0) place_pci();
    if (!register_window_ && !regions_.empty() && regions_.front().kind == Region::Kind::Mmio)
        register_window_ = regions_.front().base;
}

void LfMachine::region_write(const Region& region, std::uint64_t offset, std::uint64_t value, unsigned size) {
    switch (region.kind) {
    case Region::Kind::Mmio: memory().write_value(region.base + offset, size, value); break;
    case Region::Kind::Pio: ports().write_value(region.base + offset, size, value); break;
    case Region::Kind::PciConfig: config_write(static_cast<unsigned>(offset), static_cast<std::uint32_t>(value), size); break;
    }
}

std::uint64_t LfMachine::region_read(const Region& region, std::uint64_t offset, unsigned size) {
    std::uint64_t value = 0;
    switch (region.kind) {
    case Region::Kind::Mmio: memory().read_value(region.base + offset, size, value); break;
    case Region::Kind::Pio: ports().read_value(region.base + offset, size, value); break;
    case Region::Kind::PciConfig: value = config_read(static_cast<unsigned>(offset), size); break;
    }
    return value;
}

void LfMachine::memory_write(std::uint64_t address, std::span<const std::uint8_t> bytes) {
    if (!bytes.empty()) memory().write(address, bytes.data(), bytes.size());
}

void LfMachine::clock_step(std::uint64_t ns) {
    VirtualClock& clock = loop_.virtual_clock();
    if (ns == 0) {
        const std::optional<ClockNs> next = clock.next_deadline();
        // As qtest's clock_step: to the next timer, at most 100 s ahead.
        if (next) ns = static_cast<std::uint64_t>(std::min<ClockNs>(std::max<ClockNs>(*next - clock.now(), 0),
                                                                     100'000'000'000));
    }
    clock.step(static_cast<ClockNs>(ns));
}

void LfMachine::inject(std::span<const std::uint8_t> frame) { wire_->send(frame); }

std::uint64_t LfMachine::frames_sent() const { return wire_->stats().received_frames; }
std::uint64_t LfMachine::frames_taken() const { return wire_->peer() ? wire_->peer()->stats().received_frames : 0; }

void LfMachine::run_pending() {
    for (int i = 0; i < 16 && loop_.iterate(false); ++i) {
    }
}

}  // namespace emu::lf
