// A bench for the NE2000: a registry with the PCI types, the gpex and ne2k plugins and three test
// types — "ne2000-testnic" (a device that embeds the SDK's Ne2000 core and nothing else),
// "netdev-test" (a back end that records what the NIC sends, sends frames to it and can refuse
// frames, for back-pressure) and "isa-bus" (what a PC board gives -device ISA cards) — and a
// machine with system memory, so gpex can be mapped as on virt. The I/O-port space is a 64 KiB
// container driven through an AddressSpace. Helpers speak the chip's registers the way Linux's
// 8390 driver does.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "device_fakes.h"
#include "emu/device.h"
#include "emu/event_loop.h"
#include "emu/machine.h"
#include "emu/memory.h"
#include "emu/ne2000.h"
#include "emu/net.h"
#include "emu/object.h"
#include "emu/pci.h"
#include "emu/type.h"
#include "plugin_loader.h"

namespace ne2k_test {

using emu::Addr;
using Bytes = std::vector<std::uint8_t>;
using emu_test_support::IrqRecorder;

// ---- DP8390 registers (National DP8390D datasheet) ----
constexpr unsigned CR = 0x00;
// Page 0.
constexpr unsigned PSTART = 0x01, PSTOP = 0x02, BNRY = 0x03, TPSR = 0x04, TSR = 0x04, TBCR0 = 0x05,
                   TBCR1 = 0x06, ISR = 0x07, RSAR0 = 0x08, CRDA0 = 0x08, RSAR1 = 0x09, CRDA1 = 0x09,
                   RBCR0 = 0x0a, RBCR1 = 0x0b, RCR = 0x0c, RSR = 0x0c, TCR = 0x0d, CNTR0 = 0x0d, DCR = 0x0e,
                   CNTR1 = 0x0e, IMR = 0x0f, CNTR2 = 0x0f;
// Page 1.
constexpr unsigned PAR0 = 0x01, CURR = 0x07, MAR0 = 0x08;
// NE2000 board.
constexpr unsigned DATA = 0x10, RESET = 0x1f;

constexpr std::uint8_t CR_STP = 0x01, CR_STA = 0x02, CR_TXP = 0x04, CR_RREAD = 0x08, CR_RWRITE = 0x10,
                       CR_SEND = 0x18, CR_NODMA = 0x20, CR_PAGE1 = 0x40, CR_PAGE2 = 0x80, CR_PAGE3 = 0xc0;
constexpr std::uint8_t ISR_PRX = 0x01, ISR_PTX = 0x02, ISR_OVW = 0x10, ISR_CNT = 0x20, ISR_RDC = 0x40,
                       ISR_RST = 0x80;
constexpr std::uint8_t RCR_AR = 0x02, RCR_AB = 0x04, RCR_AM = 0x08, RCR_PRO = 0x10, RCR_MON = 0x20;
constexpr std::uint8_t RSR_PRX = 0x01, RSR_MPA = 0x10, RSR_PHY = 0x20;
constexpr std::uint8_t TCR_LOOPBACK = 0x02;
constexpr std::uint8_t DCR_WORD = 0x49, DCR_BYTE = 0x48;  // Linux's: FIFO threshold, normal, word/byte
constexpr std::uint8_t TSR_PTX = 0x01;

// Linux's ne2k-pci layout: transmit buffer 0x40-0x4b, receive ring 0x4c-0x7f.
constexpr std::uint8_t kTxPage = 0x40, kRxStart = 0x4c, kRxStop = 0x80;

using Mac = std::array<std::uint8_t, 6>;
constexpr Mac kMac = {0x52, 0x54, 0x00, 0xab, 0xcd, 0xef};
constexpr Mac kBroadcast = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
constexpr Mac kOther = {0x52, 0x54, 0x00, 0x11, 0x22, 0x33};

// An Ethernet frame: destination, a fixed source, type 0x0800 and a counting payload.
inline Bytes make_frame(const Mac& destination, std::size_t length, std::uint8_t seed = 0) {
    Bytes frame(length, 0);
    for (std::size_t i = 0; i < length; ++i) {
        if (i < 6) frame[i] = destination[i];
        else if (i < 12) frame[i] = static_cast<std::uint8_t>(0x10 + i);
        else if (i == 12) frame[i] = 0x08;
        else if (i == 13) frame[i] = 0x00;
        else frame[i] = static_cast<std::uint8_t>(seed + i);
    }
    return frame;
}

// The MAR bit Linux's 8390 driver sets for a multicast address: the top six bits of the
// Ethernet CRC. Computed here from the reflected (zlib) CRC-32, a different route from the core's.
inline unsigned multicast_index(const Mac& address) {
    std::uint32_t crc = 0xffffffffu;
    for (std::uint8_t byte : address) {
        crc ^= byte;
        for (int bit = 0; bit < 8; ++bit) crc = (crc & 1) ? (crc >> 1) ^ 0xedb88320u : crc >> 1;
    }
    // The core's register is this one bit-reversed (it shifts the other way); its top six bits
    // are our bottom six, reversed.
    unsigned index = 0;
    for (int bit = 0; bit < 6; ++bit) index |= ((crc >> bit) & 1u) << (5 - bit);
    return index;
}

// A back end: records frames the NIC sends; refuses them while `accepting` is false.
class TestNetdev final : public emu::NetBackend {
public:
    bool accepting = true;
    std::vector<Bytes> frames;
    int send_readies = 0;

    bool can_receive() const override { return accepting; }
    bool receive(std::span<const std::uint8_t> frame) override {
        if (!accepting) return false;
        frames.emplace_back(frame.begin(), frame.end());
        return true;
    }
    void send_ready() override { ++send_readies; }
    void open() {
        accepting = true;
        receive_ready();
    }
};

// Embeds the SDK's Ne2000 and nothing else: the core on its own.
class TestNic final : public emu::Device {
public:
    TestNic() {
        ports_ = emu::MemoryRegion::mmio("ne2000-testnic", emu::Ne2000::kIoSize, nic.io_ops());
        init_mmio(*ports_);
        init_gpio_out("", &irq_);
    }
    static void class_init(emu::ClassBuilder<TestNic>& c) {
        c.mac("mac", &TestNic::mac_, "MAC address");
        c.backend("netdev", &TestNic::netdev_, "netdev", "network back end");
    }
    void reset() override { nic.reset(); }

    emu::Ne2000 nic{*this, [this](bool level) { irq_[0].set(level); }};

protected:
    void do_realize() override { mac_ = nic.realize(mac_, netdev_); }
    void do_unrealize() override { nic.unrealize(); }

private:
    emu::MacAddress mac_;
    emu::NetBackend* netdev_ = nullptr;
    std::vector<emu::IrqLine> irq_ = std::vector<emu::IrqLine>(1);
    std::unique_ptr<emu::MemoryRegion> ports_;
};

// What a PC board gives -device ISA cards: mmio(0) is the I/O-port space, gpio_in("", n) IRQ n.
class FakeIsaBus final : public emu::Device {
public:
    FakeIsaBus() {
        io = emu::MemoryRegion::container("isa-io", 0x10000);
        init_mmio(*io);
        init_gpio_in("", 16, [this](unsigned n, bool level) { irqs[n] = level; });
    }
    std::unique_ptr<emu::MemoryRegion> io;
    bool irqs[16] = {};
};

// A machine with system memory (for the gpex host bridge).
class TestMachine final : public emu::Machine {
public:
    TestMachine() {
        system_ = emu::MemoryRegion::container("system", ~Addr(0));
        memory_ = std::make_unique<emu::AddressSpace>("memory", *system_);
    }
    emu::AddressSpace* system_memory() override { return memory_.get(); }
    emu::MemoryRegion& system() { return *system_; }

private:
    std::unique_ptr<emu::MemoryRegion> system_;
    std::unique_ptr<emu::AddressSpace> memory_;
};

class Ne2kBench : public ::testing::Test {
protected:
    Ne2kBench() {
        emu::register_pci_types(registry);
        for (const char* plugin : {"gpex", "ne2k"}) {
            const auto& record = loader.load_file(std::filesystem::path(EMU_PLUGIN_DIR) / (std::string(plugin) + ".so"));
            EXPECT_TRUE(record.loaded) << plugin << ": " << record.error;
        }
        registry.register_type({.name = "netdev-test", .parent = "netdev", .description = "test back end",
                                .factory = emu::factory_of<TestNetdev>()},
                               "ne2k-tests");
        registry.register_type({.name = "ne2000-testnic", .parent = "device", .category = emu::Category::Network,
                                .description = "the Ne2000 core alone", .factory = emu::factory_of<TestNic>(),
                                .class_init = emu::class_init_of<TestNic>(&TestNic::class_init)},
                               "ne2k-tests");
        registry.register_type({.name = "test-isa-bus", .parent = "device", .user_creatable = false, .interfaces = {"isa-bus"},
                                .description = "test ISA bus", .factory = emu::factory_of<FakeIsaBus>()},
                               "ne2k-tests");
        registry.register_type({.name = "ne2k-test-machine", .parent = "machine", .description = "test machine",
                                .factory = emu::factory_of<TestMachine>()},
                               "ne2k-tests");
        root = registry.create("container");
        machine = &root->add_child("machine", as<TestMachine>(registry.create("ne2k-test-machine")));
        machine->attach(loop, {});
        io = emu::MemoryRegion::container("io", 0x10000);
        space = std::make_unique<emu::AddressSpace>("io", *io);
        ports = space.get();
    }

    ~Ne2kBench() override {
        emu::unrealize_tree(*root);
        space.reset();
        root.reset();
        io.reset();
    }

    template <class T>
    static std::unique_ptr<T> as(std::unique_ptr<emu::Object> object) {
        return emu_test_support::take_as<T>(std::move(object));
    }

    TestNetdev& add_netdev(const std::string& id) {
        auto& backend = root->container("netdev").add_child(id, as<TestNetdev>(registry.create("netdev-test")));
        backend.realize();
        return backend;
    }
    // A device as -device makes it (under /machine/peripheral), not yet realized.
    emu::Device& create_user(const std::string& type, const std::string& id,
                             const std::vector<std::pair<std::string, std::string>>& props = {}) {
        auto& device = machine->container("peripheral").add_child(id, as<emu::Device>(registry.create(type)));
        for (const auto& [key, value] : props) device.set_property(key, value);
        return device;
    }

    // ---- Port I/O at base ----
    std::uint64_t in(Addr port, unsigned size) {
        std::uint64_t value = 0;
        EXPECT_EQ(ports->read_value(port, size, value), emu::MemResult::Ok) << std::hex << "in from 0x" << port;
        return value;
    }
    void out(Addr port, std::uint64_t value, unsigned size) {
        EXPECT_EQ(ports->write_value(port, size, value), emu::MemResult::Ok) << std::hex << "out to 0x" << port;
    }
    std::uint8_t reg(unsigned offset) { return static_cast<std::uint8_t>(in(base + offset, 1)); }
    void reg(unsigned offset, std::uint8_t value) { out(base + offset, value, 1); }
    // Select a register page without starting or stopping the chip.
    void page(unsigned n) { reg(CR, static_cast<std::uint8_t>(n << 6 | CR_NODMA)); }
    std::uint8_t reg_page(unsigned n, unsigned offset) {
        page(n);
        const std::uint8_t value = reg(offset);
        page(0);
        return value;
    }
    void reg_page(unsigned n, unsigned offset, std::uint8_t value) {
        page(n);
        reg(offset, value);
        page(0);
    }

    // ---- Remote DMA, as ne2k-pci does it ----
    // Program a remote transfer, leaving the chip started or stopped as it is.
    void remote_setup(std::uint16_t address, std::uint16_t count, std::uint8_t command) {
        const std::uint8_t state = reg(CR) & (CR_STA | CR_STP);
        reg(RBCR0, static_cast<std::uint8_t>(count));
        reg(RBCR1, static_cast<std::uint8_t>(count >> 8));
        reg(RSAR0, static_cast<std::uint8_t>(address));
        reg(RSAR1, static_cast<std::uint8_t>(address >> 8));
        reg(CR, static_cast<std::uint8_t>(command | state));
    }
    // Read count bytes at address with accesses of `width` bytes (1, 2 or 4).
    Bytes dma_read(std::uint16_t address, std::size_t count, unsigned width = 1) {
        remote_setup(address, static_cast<std::uint16_t>(count), CR_RREAD);
        Bytes bytes;
        while (bytes.size() < count) {
            const std::uint64_t value = in(base + DATA, width);
            for (unsigned i = 0; i < width && bytes.size() < count; ++i) bytes.push_back(static_cast<std::uint8_t>(value >> (8 * i)));
        }
        return bytes;
    }
    void dma_write(std::uint16_t address, const Bytes& bytes, unsigned width = 1) {
        remote_setup(address, static_cast<std::uint16_t>(bytes.size()), CR_RWRITE);
        for (std::size_t at = 0; at < bytes.size(); at += width) {
            std::uint64_t value = 0;
            for (unsigned i = 0; i < width && at + i < bytes.size(); ++i) value |= std::uint64_t{bytes[at + i]} << (8 * i);
            out(base + DATA, value, width);
        }
    }

    // ---- Linux's NS8390_init and start: ring [start, stop), BNRY a page behind CURR ----
    void init_chip(std::uint8_t rcr = RCR_AB, std::uint8_t start = kRxStart, std::uint8_t stop = kRxStop,
                   const Mac& address = kMac) {
        reg(CR, CR_NODMA | CR_STP);
        reg(DCR, DCR_WORD);
        reg(RBCR0, 0);
        reg(RBCR1, 0);
        reg(RCR, RCR_MON);
        reg(TCR, TCR_LOOPBACK);
        reg(TPSR, kTxPage);
        reg(PSTART, start);
        reg(BNRY, static_cast<std::uint8_t>(stop - 1));
        reg(PSTOP, stop);
        reg(ISR, 0xff);
        reg(IMR, 0);
        page(1);
        for (unsigned i = 0; i < 6; ++i) reg(PAR0 + i, address[i]);
        for (unsigned i = 0; i < 8; ++i) reg(MAR0 + i, 0);
        reg(CURR, start);
        reg(CR, CR_NODMA | CR_STP);  // page 0
        reg(ISR, 0xff);
        reg(IMR, 0x7f);
        reg(CR, CR_NODMA | CR_STA);
        reg(TCR, 0);
        reg(RCR, rcr);
        ring_start = start;
        ring_stop = stop;
    }

    // Take one frame from the ring as Linux's ei_receive does (BNRY+1 .. CURR); nullopt if empty.
    std::optional<Bytes> take_frame(unsigned width = 2) {
        const std::uint8_t curr = reg_page(1, CURR);
        std::uint8_t this_frame = static_cast<std::uint8_t>(reg(BNRY) + 1);
        if (this_frame >= ring_stop) this_frame = ring_start;
        if (this_frame == curr) return std::nullopt;
        const Bytes header = dma_read(static_cast<std::uint16_t>(this_frame << 8), 4, width);
        reg(ISR, ISR_RDC);
        const unsigned count = header[2] | header[3] << 8;
        EXPECT_TRUE(header[0] & RSR_PRX) << "status " << unsigned{header[0]};
        EXPECT_GE(count, 4u);
        Bytes frame = dma_read(static_cast<std::uint16_t>((this_frame << 8) + 4), count - 4, width);
        reg(ISR, ISR_RDC);
        std::uint8_t next = header[1];
        reg(BNRY, static_cast<std::uint8_t>(next == ring_start ? ring_stop - 1 : next - 1));
        last_header = header;
        return frame;
    }

    // Transmit bytes as ei_start_xmit does: remote-write them to the transmit page, then TXP.
    void transmit(const Bytes& frame) {
        dma_write(static_cast<std::uint16_t>(kTxPage << 8), frame, 2);
        reg(ISR, ISR_RDC);
        reg(TBCR0, static_cast<std::uint8_t>(frame.size()));
        reg(TBCR1, static_cast<std::uint8_t>(frame.size() >> 8));
        reg(TPSR, kTxPage);
        reg(CR, CR_NODMA | CR_TXP | CR_STA);
    }

    // The test NIC with netdev n0, at I/O port base, its interrupt recorded in irq.
    TestNic& add_test_nic(const std::string& mac = "52:54:00:ab:cd:ef") {
        netdev = &add_netdev("n0");
        nic = &machine->add_child("nic", as<TestNic>(registry.create("ne2000-testnic")));
        nic->set_property("netdev", "n0");
        if (!mac.empty()) nic->set_property("mac", mac);
        nic->realize();
        io->add_subregion(base, nic->mmio(0));
        nic->connect_gpio_out("", 0, irq.line());
        return *nic;
    }

    emu::TypeRegistry registry;
    emu::PluginLoader loader{registry};
    emu::EventLoop loop;
    std::unique_ptr<emu::Object> root;
    TestMachine* machine = nullptr;
    std::unique_ptr<emu::MemoryRegion> io;
    std::unique_ptr<emu::AddressSpace> space;
    emu::AddressSpace* ports = nullptr;  // where in()/out() go: space, unless a test points it elsewhere
    Addr base = 0x300;
    std::uint8_t ring_start = kRxStart, ring_stop = kRxStop;
    Bytes last_header;

    TestNetdev* netdev = nullptr;
    TestNic* nic = nullptr;
    IrqRecorder irq;
};

}  // namespace ne2k_test
