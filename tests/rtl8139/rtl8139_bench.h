// A bench for the rtl8139 plugin: the PCI bench (test machine, 16 MiB of RAM, the gpex host
// bridge mapped as on virt) plus the rtl8139 plugin and a recording network back end, with the
// NIC's BARs programmed (I/O at bus 0x1000, memory at kMmioBase + 0x1000) and bus mastering on.
// Tests drive the registers as a driver would and build rings in RAM.
#pragma once

#include <cstring>
#include <deque>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "../pci/pci_bench.h"
#include "emu/net.h"

namespace rtl_test {

using emu::Addr;
using pci_test::kMmioBase;
using pci_test::kPioBase;
using pci_test::kRamBase;
using Frame = std::vector<std::uint8_t>;

// Register offsets, from the RTL8139C(L)+ datasheet (kept apart from the plugin's own table on
// purpose: the tests check the plugin against the datasheet, not against itself).
namespace reg {
enum : unsigned {
    IDR0 = 0x00, MAR0 = 0x08, TSD0 = 0x10, DTCCR = 0x10, TSAD0 = 0x20, TNPDS = 0x20, THPDS = 0x28,
    RBSTART = 0x30, CR = 0x37, CAPR = 0x38, CBR = 0x3a, IMR = 0x3c, ISR = 0x3e, TCR = 0x40,
    RCR = 0x44, TCTR = 0x48, MPC = 0x4c, CR9346 = 0x50, CONFIG1 = 0x52, TIMERINT = 0x54, MSR = 0x58,
    RERID = 0x5e, TSAD = 0x60, BMCR = 0x62, BMSR = 0x64, ANAR = 0x66, ANLPAR = 0x68, ANER = 0x6a,
    TPPOLL = 0xd9, CPCR = 0xe0, RDSAR = 0xe4,
};
}  // namespace reg
namespace bit {
inline constexpr std::uint32_t CrReset = 0x10;
inline constexpr std::uint32_t CrRxEnable = 0x08;
inline constexpr std::uint32_t CrTxEnable = 0x04;
inline constexpr std::uint32_t CrBufferEmpty = 0x01;
inline constexpr std::uint32_t IntRxOk = 0x01;
inline constexpr std::uint32_t IntRxErr = 0x02;
inline constexpr std::uint32_t IntTxOk = 0x04;
inline constexpr std::uint32_t IntTxErr = 0x08;
inline constexpr std::uint32_t IntRxOverflow = 0x10;
inline constexpr std::uint32_t IntLinkChange = 0x20;
inline constexpr std::uint32_t IntTimeout = 0x4000;
inline constexpr std::uint32_t IntSystemError = 0x8000;
inline constexpr std::uint32_t TsdOwn = 1u << 13;
inline constexpr std::uint32_t TsdTok = 1u << 15;
inline constexpr std::uint32_t TsdTabt = 1u << 30;
inline constexpr std::uint32_t RcrAap = 1;
inline constexpr std::uint32_t RcrApm = 2;
inline constexpr std::uint32_t RcrAm = 4;
inline constexpr std::uint32_t RcrAb = 8;
inline constexpr std::uint32_t RcrWrap = 0x80;
inline constexpr std::uint32_t CpTx = 1;
inline constexpr std::uint32_t CpRx = 2;
inline constexpr std::uint32_t CpRxChecksum = 0x20;
inline constexpr std::uint32_t CpRxVlan = 0x40;
inline constexpr std::uint32_t Own = 1u << 31;
inline constexpr std::uint32_t Eor = 1u << 30;
inline constexpr std::uint32_t Fs = 1u << 29;
inline constexpr std::uint32_t Ls = 1u << 28;
}  // namespace bit

// A back end that records what the NIC sends and can refuse frames (back-pressure).
class TestNet final : public emu::NetBackend {
public:
    std::vector<Frame> sent;   // frames the NIC sent us
    bool accepting = true;
    unsigned ready_calls = 0;
    bool can_receive() const override { return accepting; }
    bool receive(std::span<const std::uint8_t> frame) override {
        if (!accepting) return false;
        sent.emplace_back(frame.begin(), frame.end());
        return true;
    }
    void send_ready() override { ++ready_calls; }
    // Accept again and take what waited.
    void open() {
        accepting = true;
        receive_ready();
    }
};

constexpr Addr kNicMmio = kMmioBase + 0x1000;
constexpr Addr kNicIoBus = 0x1000;
constexpr unsigned kSlot = 1;

// Frames for tests.
inline Frame make_frame(const std::array<std::uint8_t, 6>& destination, std::size_t size, std::uint8_t fill = 0xa5) {
    Frame f(size, fill);
    std::copy(destination.begin(), destination.end(), f.begin());
    const std::uint8_t source[6] = {0x02, 0, 0, 0, 0, 0x99};
    std::copy(std::begin(source), std::end(source), f.begin() + 6);
    f[12] = 0x88;
    f[13] = 0xb5;   // local experimental ethertype
    for (std::size_t i = 14; i < size; ++i) f[i] = static_cast<std::uint8_t>(fill + i);
    return f;
}
inline constexpr std::array<std::uint8_t, 6> kNicMac = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
inline constexpr std::array<std::uint8_t, 6> kBroadcast = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

class RtlBench : public pci_test::PciBench {
protected:
    RtlBench() {
        const auto& record = loader.load_file(std::filesystem::path(EMU_PLUGIN_DIR) / "rtl8139.so");
        EXPECT_TRUE(record.loaded) << record.error;
        registry.register_type({.name = "netdev-rtltest",
                                .parent = "netdev",
                                .description = "recording back end",
                                .factory = emu::factory_of<TestNet>()},
                               "rtl8139-tests");
        add_host();
        loop.virtual_clock().set_manual(true);
    }

    // Create and realize the NIC with a back end "n0" and these properties; map its BARs.
    emu::PciDevice& add_nic(std::vector<std::pair<std::string, std::string>> props = {}) {
        net = &root->container("netdev").add_child("n0", pci_test::as<TestNet>(registry.create("netdev-rtltest")));
        nic = &machine->container("peripheral")
                   .add_child("nic0", pci_test::as<emu::PciDevice>(registry.create("rtl8139")));
        nic->set_property("addr", "01.0");
        nic->set_property("netdev", "n0");
        nic->set_property("romfile", "");
        nic->set_property("mac", "52:54:00:12:34:56");
        for (const auto& [key, value] : props) nic->set_property(key, value);
        nic->realize();
        map_bars();
        return *nic;
    }
    // Program the BARs and turn decoding and bus mastering on (again after a board reset).
    void map_bars() {
        cfg_write(kSlot, emu::pci::kBar0, kNicIoBus);
        cfg_write(kSlot, emu::pci::kBar0 + 4, static_cast<std::uint32_t>(kNicMmio));
        cfg_write(kSlot, emu::pci::kCommand,
                  emu::pci::kCommandIo | emu::pci::kCommandMemory | emu::pci::kCommandMaster, 2);
    }

    // Registers through BAR1 (memory); io_* through BAR0 (I/O ports).
    std::uint32_t r8(unsigned reg) { return static_cast<std::uint32_t>(mem_read(kNicMmio + reg, 1)); }
    std::uint32_t r16(unsigned reg) { return static_cast<std::uint32_t>(mem_read(kNicMmio + reg, 2)); }
    std::uint32_t r32(unsigned reg) { return static_cast<std::uint32_t>(mem_read(kNicMmio + reg, 4)); }
    void w8(unsigned reg, std::uint32_t v) { mem_write(kNicMmio + reg, v, 1); }
    void w16(unsigned reg, std::uint32_t v) { mem_write(kNicMmio + reg, v, 2); }
    void w32(unsigned reg, std::uint32_t v) { mem_write(kNicMmio + reg, v, 4); }
    std::uint32_t io_r(unsigned reg, unsigned size) {
        return static_cast<std::uint32_t>(mem_read(kPioBase + kNicIoBus + reg, size));
    }
    void io_w(unsigned reg, std::uint32_t v, unsigned size) { mem_write(kPioBase + kNicIoBus + reg, v, size); }

    // Guest RAM.
    std::uint8_t* ram(Addr addr) { return machine->ram() + (addr - kRamBase); }
    void put(Addr addr, const Frame& bytes) { std::memcpy(ram(addr), bytes.data(), bytes.size()); }
    Frame get(Addr addr, std::size_t size) { return Frame(ram(addr), ram(addr) + size); }
    std::uint32_t ram32(Addr addr) {
        std::uint32_t v;
        std::memcpy(&v, ram(addr), 4);
        return v;
    }
    void set_ram32(Addr addr, std::uint32_t v) { std::memcpy(ram(addr), &v, 4); }
    std::uint16_t ram16(Addr addr) {
        std::uint16_t v;
        std::memcpy(&v, ram(addr), 2);
        return v;
    }

    // A frame from the wire to the NIC.
    emu::NetClient::SendStatus inject(const Frame& frame) { return net->send(std::span<const std::uint8_t>(frame)); }
    bool irq() const { return *intx[(kSlot + 0) % 4].level; }   // INTA of slot 1: line 1

    TestNet* net = nullptr;
    emu::PciDevice* nic = nullptr;
};

}  // namespace rtl_test
