// A bench for the e1000 plugin: a registry with the PCI and net types, the gpex and e1000
// plugins, a test machine (4 MiB of RAM, and an MMIO "trap" page that counts any access so tests
// can prove no guest-supplied address reached a device), the gpex host bridge mapped as on virt,
// and "netdev-wire", a test back end that records what the NIC sends and can be made busy.
//
// The bench plays the guest driver: config space, registers through BAR0 (and BAR1's
// IOADDR/IODATA), descriptor rings in RAM, the INTx line; and the far end of the wire.
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <filesystem>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "emu/device.h"
#include "emu/event_loop.h"
#include "emu/irq.h"
#include "emu/machine.h"
#include "emu/memory.h"
#include "emu/net.h"
#include "emu/object.h"
#include "emu/pci.h"
#include "emu/property.h"
#include "emu/type.h"
#include "plugin_loader.h"

namespace e1000_test {

using emu::Addr;
using Frame = std::vector<std::uint8_t>;
namespace pci = emu::pci;

// The virt board's map (machines/virt/virt_map.h).
constexpr Addr kEcamBase = 0x3f000000;
constexpr Addr kMmioBase = 0x10000000, kMmioSize = 0x2eff0000;
constexpr Addr kPioBase = 0x3eff0000;
constexpr Addr kRamBase = 0x40000000, kRamSize = 4 << 20;
constexpr Addr kTrapBase = 0x20000000, kTrapSize = 0x10000;

// Where the bench puts the NIC's BARs.
constexpr Addr kBar0 = 0x10000000;     // 128 KiB of registers
constexpr Addr kBar1 = 0x1000;         // I/O bus address (CPU: kPioBase + kBar1)
constexpr Addr kRomAddress = 0x10100000;

// Where the bench's driver keeps its rings and buffers.
constexpr Addr kRxRing = kRamBase + 0x10000;
constexpr Addr kTxRing = kRamBase + 0x20000;
constexpr Addr kRxBuffers = kRamBase + 0x100000;
constexpr Addr kTxBuffers = kRamBase + 0x200000;

// Register offsets (8254x SDM table 13-2) and bits the tests use.
namespace reg {
constexpr Addr kCtrl = 0x0000, kStatus = 0x0008, kEecd = 0x0010, kEerd = 0x0014, kMdic = 0x0020,
               kVet = 0x0038, kIcr = 0x00c0, kItr = 0x00c4, kIcs = 0x00c8, kIms = 0x00d0, kImc = 0x00d8,
               kRctl = 0x0100, kTctl = 0x0400, kRdbal = 0x2800, kRdbah = 0x2804, kRdlen = 0x2808,
               kRdh = 0x2810, kRdt = 0x2818, kRdtr = 0x2820, kRadv = 0x282c, kTdbal = 0x3800,
               kTdbah = 0x3804, kTdlen = 0x3808, kTdh = 0x3810, kTdt = 0x3818, kTidv = 0x3820,
               kTadv = 0x382c, kRxcsum = 0x5000, kMta = 0x5200, kRal0 = 0x5400, kRah0 = 0x5404,
               kVfta = 0x5600;
constexpr Addr kMpc = 0x4010, kRoc = 0x40ac, kGprc = 0x4074, kBprc = 0x4078, kMprc = 0x407c,
               kGptc = 0x4080, kGorcl = 0x4088, kGorch = 0x408c, kGotcl = 0x4090, kGotch = 0x4094,
               kTorl = 0x40c0, kTorh = 0x40c4, kTpr = 0x40d0, kTpt = 0x40d4, kPrc64 = 0x405c,
               kBptc = 0x40f4, kTsctc = 0x40f8, kTsctfc = 0x40fc;
}  // namespace reg

namespace bits {
constexpr std::uint32_t kCtrlRst = 1u << 26, kCtrlVme = 1u << 30, kCtrlPhyRst = 1u << 31;
constexpr std::uint32_t kStatusLu = 1u << 1;
constexpr std::uint32_t kIcrTxdw = 1u << 0, kIcrTxqe = 1u << 1, kIcrLsc = 1u << 2, kIcrRxdmt0 = 1u << 4,
                        kIcrRxt0 = 1u << 7, kIcrMdac = 1u << 9;
constexpr std::uint32_t kRctlEn = 1u << 1, kRctlUpe = 1u << 3, kRctlMpe = 1u << 4, kRctlLpe = 1u << 5,
                        kRctlBam = 1u << 15, kRctlVfe = 1u << 18, kRctlBsex = 1u << 25, kRctlSecrc = 1u << 26;
constexpr unsigned kRctlMoShift = 12, kRctlBsizeShift = 16;
constexpr std::uint32_t kTctlEn = 1u << 1, kTctlPsp = 1u << 3;
constexpr std::uint32_t kRahAv = 1u << 31;
constexpr std::uint32_t kMdicRead = 2u << 26, kMdicWrite = 1u << 26, kMdicReady = 1u << 28,
                        kMdicInterrupt = 1u << 29, kMdicError = 1u << 30;
constexpr std::uint8_t kRxDd = 0x01, kRxEop = 0x02, kRxIxsm = 0x04, kRxVp = 0x08, kRxTcpcs = 0x20, kRxIpcs = 0x40;
constexpr std::uint8_t kRxErrTcpe = 0x20, kRxErrIpe = 0x40;
constexpr std::uint8_t kTxEop = 0x01, kTxIfcs = 0x02, kTxIc = 0x04, kTxTse = 0x04, kTxRs = 0x08, kTxDext = 0x20,
                       kTxVle = 0x40, kTxIde = 0x80;
constexpr std::uint8_t kTucmdTcp = 0x01, kTucmdIp = 0x02;
constexpr std::uint8_t kPoptsIxsm = 0x01, kPoptsTxsm = 0x02;
}  // namespace bits

// ---- Test machine and back end -----------------------------------------------------------------

class TestMachine final : public emu::Machine {
public:
    TestMachine() {
        system_ = emu::MemoryRegion::container("system", ~Addr(0));
        memory_ = std::make_unique<emu::AddressSpace>("memory", *system_);
        ram_ = emu::MemoryRegion::ram("ram", kRamSize);
        system_->add_subregion(kRamBase, *ram_);
        emu::MmioOps ops;
        ops.read = [this](Addr, unsigned) -> std::uint64_t {
            ++trap_accesses;
            return 0;
        };
        ops.write = [this](Addr, std::uint64_t, unsigned) { ++trap_accesses; };
        trap_ = emu::MemoryRegion::mmio("trap", kTrapSize, ops);
        system_->add_subregion(kTrapBase, *trap_);
    }
    emu::AddressSpace* system_memory() override { return memory_.get(); }
    emu::MemoryRegion& system() { return *system_; }
    std::uint8_t* ram() { return ram_->data(); }

    int trap_accesses = 0;

private:
    std::unique_ptr<emu::MemoryRegion> system_;
    std::unique_ptr<emu::AddressSpace> memory_;
    std::unique_ptr<emu::MemoryRegion> ram_, trap_;
};

// The far end of the wire: records the NIC's frames; busy = no room (back-pressure).
class WireBackend final : public emu::NetBackend {
public:
    bool can_receive() const override { return !busy; }
    bool receive(std::span<const std::uint8_t> frame) override {
        if (busy) return false;
        frames.emplace_back(frame.begin(), frame.end());
        return true;
    }
    void send_ready() override { ++send_ready_calls; }

    std::vector<Frame> frames;
    bool busy = false;
    int send_ready_calls = 0;
};

template <class T>
std::unique_ptr<T> as(std::unique_ptr<emu::Object> object) {
    auto* typed = dynamic_cast<T*>(object.get());
    if (!typed) throw std::runtime_error("unexpected object type");
    object.release();
    return std::unique_ptr<T>(typed);
}

// ---- Frames ------------------------------------------------------------------------------------

constexpr std::uint8_t kNicMac[6] = {0x52, 0x54, 0x00, 0x12, 0x34, 0x56};
constexpr std::uint8_t kPeerMac[6] = {0x52, 0x55, 0x0a, 0x00, 0x02, 0x02};

// An Ethernet frame: destination, source, ethertype, payload.
Frame ethernet(std::span<const std::uint8_t> destination, std::uint16_t ethertype, std::span<const std::uint8_t> payload);
Frame ethernet(std::span<const std::uint8_t> destination, std::size_t payload_size);
// IPv4 + TCP (or UDP) with correct checksums, payload bytes counting from `first`.
Frame tcp_frame(std::size_t payload_size, std::uint32_t sequence = 1000, std::uint8_t flags = 0x18, std::uint8_t first = 0);
Frame udp_frame(std::size_t payload_size);
// RFC 1071 checks on a frame (IPv4 at offset 14).
bool ip_checksum_ok(const Frame& frame);
bool l4_checksum_ok(const Frame& frame);
std::uint16_t be16(const Frame& frame, std::size_t offset);
std::uint32_t be32(const Frame& frame, std::size_t offset);
void set_be16(Frame& frame, std::size_t offset, std::uint16_t value);

// ---- The bench ---------------------------------------------------------------------------------

class E1000Bench : public ::testing::Test {
protected:
    E1000Bench();
    ~E1000Bench() override;

    // A back end "n0" and the NIC (netdev=n0, no ROM), configured as a driver would:
    // BAR0/BAR1 mapped, memory, I/O and bus mastering on.
    emu::PciDevice& add_nic(std::vector<std::pair<std::string, std::string>> props = {}, bool with_backend = true);
    // Create without realizing (to test realize errors).
    emu::PciDevice& create_nic(std::vector<std::pair<std::string, std::string>> props);

    // ---- Guest access ----
    std::uint32_t rd(Addr offset);
    void wr(Addr offset, std::uint32_t value);
    std::uint32_t io_rd(Addr offset);
    void io_wr(Addr offset, std::uint32_t value);
    std::uint32_t cfg(unsigned offset, unsigned size = 4);
    void cfg_wr(unsigned offset, std::uint32_t value, unsigned size = 4);
    std::uint8_t* ram(Addr address) { return machine->ram() + (address - kRamBase); }
    bool irq() const { return *line_; }
    void step(emu::ClockNs ns) { loop.virtual_clock().step(ns); }

    // ---- EEPROM and PHY, as Linux's e1000 driver reaches them ----
    std::uint16_t eeprom_bitbang(unsigned word);
    std::uint32_t mdic(std::uint32_t command);   // write MDIC, return what it reads back after
    std::uint16_t phy_read(unsigned reg, unsigned phy = 1);

    // ---- Receive ring ----
    // n descriptors at kRxRing, buffers of buffer_size at kRxBuffers, n - 1 given to the NIC.
    void setup_rx(unsigned n, std::uint32_t rctl_extra = bits::kRctlBam, std::size_t buffer_size = 2048,
                  bool give_all = true);
    struct RxDescriptor {
        std::uint16_t length, checksum;
        std::uint8_t status, errors;
        std::uint16_t special;
    };
    RxDescriptor rx_desc(unsigned index);
    Frame rx_data(unsigned index, std::size_t length);
    std::size_t rx_buffer_size = 2048;

    // ---- Transmit ring ----
    void setup_tx(unsigned n);
    void tx_legacy(unsigned index, Addr buffer, std::uint16_t length, std::uint8_t command, std::uint8_t cso = 0,
                   std::uint8_t css = 0, std::uint16_t special = 0);
    void tx_context(unsigned index, std::uint8_t ipcss, std::uint8_t ipcso, std::uint16_t ipcse, std::uint8_t tucss,
                    std::uint8_t tucso, std::uint16_t tucse, std::uint32_t paylen, std::uint8_t tucmd,
                    std::uint8_t hdr_len, std::uint16_t mss);
    void tx_data(unsigned index, Addr buffer, std::uint32_t length, std::uint8_t command, std::uint8_t popts,
                 std::uint16_t special = 0);
    std::uint8_t tx_status(unsigned index);
    // Copy bytes into guest RAM.
    void put(Addr address, std::span<const std::uint8_t> bytes);

    // ---- The wire ----
    emu::NetClient::SendStatus to_nic(const Frame& frame) { return wire->send(frame); }

    emu::TypeRegistry registry;
    emu::PluginLoader loader{registry};
    emu::EventLoop loop;
    std::unique_ptr<emu::Object> root;
    TestMachine* machine = nullptr;
    emu::Device* host = nullptr;
    std::unique_ptr<emu::MemoryRegion> mmio_alias;
    WireBackend* wire = nullptr;
    emu::PciDevice* nic = nullptr;
    unsigned slot = 0;
    std::shared_ptr<bool> line_ = std::make_shared<bool>(false);
    std::vector<std::shared_ptr<bool>> lines_;
    emu::MemResult last = emu::MemResult::Ok;
};

}  // namespace e1000_test
