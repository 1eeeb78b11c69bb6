// The NE2000: a National DP8390 network interface controller with the NE2000 board around it
// (remote-DMA data port, reset port, station-address PROM, buffer RAM). A device kit: a NIC type
// embeds one Ne2000 and adds only its bus glue (ne2k_isa, ne2k_pci), as MAME's NE2000 cards hold a
// DP8390 device.
//
//     class MyNe2k final : public emu::Device {
//         emu::Ne2000 nic_{*this, [this](bool level) { irq_[0].set(level); }};
//         std::unique_ptr<emu::MemoryRegion> io_ =
//             emu::MemoryRegion::mmio("my-ne2k", emu::Ne2000::kIoSize, nic_.io_ops());
//         void do_realize() override { mac_ = nic_.realize(mac_, netdev_); }
//         void do_unrealize() override { nic_.unrealize(); }
//         void reset() override { nic_.reset(); }
//     };
//
// ---- I/O map (offsets from the card's base; 1-, 2- and 4-byte accesses) ------------------------
//   0x00-0x0f  DP8390 registers of the page CR.PS selects (pages 0-2; page 3 holds the RTL8029's
//              configuration registers when Config::realtek). Wider accesses are split into
//              consecutive registers.
//   0x10-0x17  data port: each access moves bytes between the port and the card's memory at the
//              remote DMA address (RSAR), counting RBCR down. It moves as many bytes as the access
//              is wide, and at least a word in word mode (DCR.WTS): an 8-bit access in word mode
//              moves a word and returns its low byte.
//   0x18-0x1f  reset port: reading it resets the chip (ISR.RST reads 1 afterwards).
//   beyond     reads all-ones, writes ignored (a PCI BAR is 256 bytes).
//
// ---- The card's memory (the DP8390's 16-bit local address space) -------------------------------
//   0x0000-0x001f  the PROM: the MAC with every byte doubled, as NE2000 clones wire it (bytes
//                  2i and 2i+1 = MAC[i], i < 6), and 0x57 0x57 ('WW', the NE2000 signature) at
//                  PROM words 14 and 15 (bytes 28-31). Read only.
//   0x4000-0xbfff  32 KiB of buffer RAM (QEMU's size; Linux's drivers use the first 16 KiB).
//   elsewhere      reads 0xff, writes are ignored.
// Every access the guest causes goes through these checks: no register value makes the card
// touch anything outside its PROM and buffer RAM.
//
// ---- Receive ------------------------------------------------------------------------------------
// Frames are stored in the ring [PSTART, PSTOP) pages from CURR on, each behind a 4-byte header
// (receive status, next page, byte count including the header), wrapping at PSTOP, and the chip
// never writes into the unread part of the ring: a frame is stored only if it leaves at least one
// page free before BNRY. Address filter (RCR): physical address = PAR0-5, or any with RCR.PRO;
// broadcast with RCR.AB; other multicast with RCR.AM when its bit in MAR0-7 is set (the top six
// bits of the Ethernet CRC of the address). Frames shorter than 60 bytes are padded to 60 (as on
// the wire), unless RCR.AR (accept runts) is set, when they are stored as they are. RCR.MON
// (monitor) checks and counts frames (CNTR2, RSR.MPA) without storing them.
//
// Back-pressure instead of lost frames: while the ring has no room for the next frame, the frame
// waits in the net client's queue (can_receive() / receive() answer false) and is delivered as
// soon as the driver frees room (a write to BNRY, CURR, PSTART or PSTOP, a start command).
// ISR.OVW is raised, and the frame dropped and counted as missed, only for a frame that could not
// fit even into the empty ring (one page of which stays free). While the chip is stopped (CR.STP) or the ring is empty or
// inverted (PSTART >= PSTOP), frames are dropped, as by a receiver that is off.
// One liberty, for drivers that take at most a few frames per interrupt and then acknowledge PRX
// (Linux's 8390 core takes nine): acknowledging ISR.PRX leaves it set while the ring still holds
// frames (CURR is neither BNRY nor the page after it) or holds one stored after the driver last
// read CURR. On a wire, the next frame would raise PRX again; with back-pressure the next frame
// waits for room in a ring that only the driver can empty, and nothing would ever raise it.
//
// ---- Transmit -----------------------------------------------------------------------------------
// CR.TXP sends TBCR bytes from page TPSR (read through the memory checks above, the address
// wrapping at 64 KiB) to the peer, or, in loopback (TCR.LB != 0), to the card's own receiver.
// When the peer has to queue the frame, CR.TXP stays set and PTX is signalled once the peer has
// taken it (NetClient::send_ready), so the driver is flow-controlled like the wire would.
//
// ---- Interrupt ----------------------------------------------------------------------------------
// The line is ISR & IMR & 0x7f != 0 (ISR.RST does not interrupt). ISR bits are cleared by
// writing 1.
//
// Not modelled: collisions and the errors only a real wire has (CRC, frame alignment: CNTR0 and
// CNTR1 stay 0), DCR.BOS byte swapping, the FIFO threshold, the 8-bit NE1000 mode.
// Threading: everything runs under the big device lock (I/O dispatch and the net layer hold it).
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "emu/device.h"
#include "emu/memory.h"
#include "emu/net.h"
#include "emu/property.h"

namespace emu {

struct Ne2000Config {
    // An RTL8029 (or RTL8019): page 0 registers 0x0a/0x0b read its ID 'P' 'C' (0x50 0x43),
    // page 3 holds its configuration registers. Otherwise they read 0.
    bool realtek = false;
};

class Ne2000 {
public:
    static constexpr Addr kIoSize = 0x20;              // registers, data port, reset port
    static constexpr unsigned kPromSize = 32;
    static constexpr unsigned kRamStart = 0x4000;      // buffer RAM, in the card's address space
    static constexpr unsigned kRamEnd = 0xc000;

    using Config = Ne2000Config;

    // owner: the device that embeds the chip (it names the net client in messages).
    // set_irq: called with the interrupt line's level whenever it changes.
    Ne2000(Device& owner, std::function<void(bool level)> set_irq, Config config = {});
    Ne2000(const Ne2000&) = delete;
    Ne2000& operator=(const Ne2000&) = delete;

    // At realize: the station address (all-zero: the next default, net::next_default_mac()) and
    // the back end (null: no cable). Returns the address in effect; throws Error (phrased to
    // follow the device's name) for a multicast address or a back end already in use.
    MacAddress realize(MacAddress mac, NetBackend* backend);
    void unrealize();
    // Power-on state: registers, buffer RAM cleared, PROM from the MAC, the chip stopped.
    void reset();

    // The I/O window (see the map above), and MmioOps that call these, for a region of at least
    // kIoSize bytes.
    std::uint32_t io_read(Addr offset, unsigned size);
    void io_write(Addr offset, std::uint32_t value, unsigned size);
    MmioOps io_ops();

    NetClient& net_client() { return client_; }
    const MacAddress& mac() const { return mac_; }
    bool irq_level() const { return irq_level_; }

private:
    // ---- Registers ----
    std::uint8_t read_register(unsigned offset);
    void write_register(unsigned offset, std::uint8_t value);
    std::uint8_t read_page0(unsigned offset);
    std::uint8_t read_page1(unsigned offset);
    std::uint8_t read_page2(unsigned offset) const;
    std::uint8_t read_page3(unsigned offset) const;
    void write_page0(unsigned offset, std::uint8_t value);
    void write_page1(unsigned offset, std::uint8_t value);
    void write_page2(unsigned offset, std::uint8_t value);
    void write_command(std::uint8_t value);
    void chip_reset();  // the reset port
    void update_irq();
    void count(unsigned counter);

    // ---- The card's memory and remote DMA ----
    std::uint8_t memory_read(std::uint16_t address) const;
    void memory_write(std::uint16_t address, std::uint8_t value);
    std::uint32_t data_read(unsigned size);
    void data_write(std::uint32_t value, unsigned size);
    void remote_dma_advance();
    void build_prom();

    // ---- Receive ----
    bool ring_valid() const { return pstart_ < pstop_; }
    bool in_ring(unsigned page) const { return page >= pstart_ && page < pstop_; }
    bool ring_holds_frames() const;
    unsigned free_pages() const;
    unsigned boundary() const;
    bool can_receive() const;
    bool receive(std::span<const std::uint8_t> frame);
    bool address_accepted(std::span<const std::uint8_t, 6> destination) const;
    void store(std::span<const std::uint8_t> frame, unsigned pages, bool multicast);
    void offer_room();

    // ---- Transmit ----
    void transmit();
    void finish_transmit();

    Device& owner_;
    std::function<void(bool)> set_irq_;
    Config config_;
    NicClient client_;
    MacAddress mac_;

    std::array<std::uint8_t, kPromSize> prom_{};
    std::vector<std::uint8_t> ram_;

    // Command register: PS and RD as written; STP/STA and TXP kept as state.
    std::uint8_t command_ = 0;
    bool stopped_ = true;
    bool transmitting_ = false;   // CR.TXP
    bool tx_waiting_ = false;     // the frame is queued at the peer: PTX when it takes it

    std::uint8_t pstart_ = 0, pstop_ = 0, bnry_ = 0, curr_ = 0, tpsr_ = 0;
    std::uint16_t tbcr_ = 0, rsar_ = 0, rbcr_ = 0;
    std::uint8_t isr_ = 0, imr_ = 0, rcr_ = 0, tcr_ = 0, dcr_ = 0, tsr_ = 0, rsr_ = 0;
    std::uint8_t rnpp_ = 0;
    std::uint16_t local_address_ = 0;  // the local DMA address (CLDA, page 2 address counter)
    std::array<std::uint8_t, 6> par_{};
    std::array<std::uint8_t, 8> mar_{};
    std::array<std::uint8_t, 3> counters_{};  // CNTR0-2: frame alignment, CRC, missed

    bool unseen_frame_ = false;  // a frame was stored after the driver last read CURR
    bool irq_level_ = false;
};

}  // namespace emu
