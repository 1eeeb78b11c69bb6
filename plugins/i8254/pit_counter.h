// One counter of the Intel 8254 programmable interval timer (datasheet: modes 0-5, binary or
// BCD, the read/write byte sequencing, count and status latches), computed from time instead of
// ticked: the counter knows when it was loaded and derives its count and its OUT level for any
// instant of the virtual clock, and when OUT changes next (for the IRQ timer).
#pragma once

#include <cstdint>

namespace emu::pit {

using Ns = std::int64_t;

constexpr std::uint64_t kFrequencyHz = 1193182;
// Whole input-clock ticks in ns, and the instant a tick count is reached.
std::uint64_t ticks_in(Ns ns);
Ns ns_of_ticks(std::uint64_t ticks);

class PitCounter {
public:
    // Power-on as QEMU's: mode 3, lobyte/hibyte, count 65536 loaded, counting if the gate is
    // high (counters 0 and 1 have their gate tied high).
    void reset(bool gate, Ns now);

    // The control word addressed to this counter (SC = this counter; RW 0 = counter latch).
    void control(std::uint8_t word, Ns now);
    // The read-back command's latches (count and/or status).
    void latch_count(Ns now);
    void latch_status(Ns now);
    std::uint8_t read(Ns now);
    void write(std::uint8_t value, Ns now);
    void set_gate(bool gate, Ns now);
    bool gate() const { return gate_; }

    bool out(Ns now) const;
    // Rising edges of OUT since the count was loaded (modes 2 and 3: one per period; the others:
    // 0). The IRQ timer runs late by more than mode 2's one-tick low pulse, so it counts edges
    // instead of sampling the level to see that a period passed. load_serial() tells loads apart.
    std::uint64_t rising_edges(Ns now) const;
    std::uint64_t load_serial() const { return load_serial_; }
    // The next instant after now at which OUT changes, or -1 if it stays (a counter that is
    // stopped or past its one terminal count).
    Ns next_change(Ns now) const;

private:
    std::uint64_t elapsed(Ns now) const;  // ticks counted since the load
    std::uint16_t value(Ns now) const;    // what the counting element holds
    bool out_at(std::uint64_t d) const;
    void load(Ns now);

    std::uint8_t mode_ = 3, rw_ = 3;
    bool bcd_ = false;
    std::uint32_t count_ = 0x10000;  // the loaded count, 0 already meaning 65536 (10000 BCD)
    bool loaded_ = false;            // a count is loaded (else: null count after a control word)
    bool gate_ = true;
    bool running_ = false;           // counting (gate high, or triggered for modes 1 and 5)
    bool started_ = false;           // modes 1 and 5: triggered since the load
    Ns load_ns_ = 0;                 // when running_ last became true
    std::uint64_t base_ticks_ = 0;   // ticks counted before load_ns_ (a paused counter)
    std::uint64_t load_serial_ = 0;  // incremented by every load

    // Byte sequencing.
    bool write_high_next_ = false;   // rw 3: the next write is the high byte
    std::uint8_t write_low_ = 0;
    bool read_high_next_ = false;
    bool count_latched_ = false, status_latched_ = false;
    std::uint16_t latched_count_ = 0;
    std::uint8_t latched_status_ = 0;
    bool latched_read_high_next_ = false;
};

}  // namespace emu::pit
