#include "pit_counter.h"

namespace emu::pit {

using u8 = std::uint8_t;
using u16 = std::uint16_t;
using u64 = std::uint64_t;
__extension__ typedef unsigned __int128 u128;

constexpr u64 kNsPerSecond = 1'000'000'000;

u64 ticks_in(Ns ns) { return ns <= 0 ? 0 : static_cast<u64>(static_cast<u128>(ns) * kFrequencyHz / kNsPerSecond); }
Ns ns_of_ticks(u64 ticks) {
    return static_cast<Ns>((static_cast<u128>(ticks) * kNsPerSecond + kFrequencyHz - 1) / kFrequencyHz);
}

namespace {
u16 to_bcd(unsigned v) {
    return static_cast<u16>((v % 10) | (v / 10 % 10) << 4 | (v / 100 % 10) << 8 | (v / 1000 % 10) << 12);
}
unsigned from_bcd(unsigned v) {
    return (v & 0xF) + ((v >> 4) & 0xF) * 10 + ((v >> 8) & 0xF) * 100 + ((v >> 12) & 0xF) * 1000;
}
}  // namespace

void PitCounter::reset(bool gate, Ns now) {
    *this = PitCounter{};
    gate_ = gate;
    mode_ = 3;
    rw_ = 3;
    count_ = 0x10000;
    load(now);
}

u64 PitCounter::elapsed(Ns now) const {
    if (!loaded_) return 0;
    return base_ticks_ + (running_ ? ticks_in(now - load_ns_) : 0);
}

void PitCounter::load(Ns now) {
    ++load_serial_;
    loaded_ = true;
    base_ticks_ = 0;
    load_ns_ = now;
    started_ = false;
    // Modes 1 and 5 wait for a gate trigger; the others count while the gate is high (mode 0
    // and 4 pause, modes 2 and 3 restart at the next rising edge).
    running_ = (mode_ == 1 || mode_ == 5) ? false : gate_;
}

u16 PitCounter::value(Ns now) const {
    if (!loaded_) return 0;
    const u64 d = elapsed(now);
    const u64 modulus = bcd_ ? 10000 : 0x10000;
    u64 v;
    switch (mode_) {
    case 2: v = count_ - d % count_; break;
    case 3: v = (count_ - (2 * d) % count_) & ~u64{1}; break;
    default:
        if ((mode_ == 1 || mode_ == 5) && !started_) v = count_;
        else v = (count_ + modulus - d % modulus) % modulus;
        break;
    }
    v %= modulus;
    return bcd_ ? to_bcd(static_cast<unsigned>(v)) : static_cast<u16>(v);
}

bool PitCounter::out_at(u64 d) const {
    switch (mode_) {
    case 0: return d >= count_;
    case 1: return !started_ || d >= count_;
    case 2: return !gate_ || count_ < 2 || d % count_ != count_ - 1;
    case 3: return !gate_ || d % count_ < (count_ + 1) / 2;
    case 4: return d != count_;
    default: return !started_ || d != count_;  // 5
    }
}

bool PitCounter::out(Ns now) const {
    if (!loaded_) return mode_ != 0;
    return out_at(elapsed(now));
}

u64 PitCounter::rising_edges(Ns now) const {
    if (!loaded_ || (mode_ != 2 && mode_ != 3) || count_ < 2 || !gate_) return 0;
    return elapsed(now) / count_;  // OUT rises at the end of every period
}

Ns PitCounter::next_change(Ns now) const {
    if (!loaded_ || !running_) return -1;
    const u64 d = elapsed(now);
    u64 next;
    switch (mode_) {
    case 0:
    case 1:
        if (d >= count_) return -1;
        next = count_;
        break;
    case 2:
    case 3: {
        if (count_ < 2) return -1;
        const u64 k = d / count_, phase = d % count_;
        const u64 edge = mode_ == 2 ? count_ - 1 : (count_ + 1) / 2;
        next = phase < edge ? k * count_ + edge : (k + 1) * count_;
        break;
    }
    default:  // 4, 5: low for the one tick at the terminal count
        if (d > count_) return -1;
        next = d < count_ ? count_ : count_ + 1;
        break;
    }
    return load_ns_ + ns_of_ticks(next - base_ticks_);
}

void PitCounter::control(u8 word, Ns now) {
    const unsigned rw = (word >> 4) & 3;
    if (rw == 0) {
        latch_count(now);
        return;
    }
    rw_ = static_cast<u8>(rw);
    mode_ = static_cast<u8>((word >> 1) & 7);
    if (mode_ > 5) mode_ -= 4;  // 6, 7 are 2, 3
    bcd_ = word & 1;
    write_high_next_ = read_high_next_ = false;
    count_latched_ = status_latched_ = false;
    loaded_ = false;  // null count: stopped until a count is written
    running_ = false;
}

void PitCounter::latch_count(Ns now) {
    if (count_latched_) return;  // the first latch holds until read
    count_latched_ = true;
    latched_count_ = value(now);
    latched_read_high_next_ = false;
}

void PitCounter::latch_status(Ns now) {
    if (status_latched_) return;
    status_latched_ = true;
    latched_status_ = static_cast<u8>((out(now) ? 0x80 : 0) | (loaded_ ? 0 : 0x40) | rw_ << 4 | mode_ << 1 | (bcd_ ? 1 : 0));
}

u8 PitCounter::read(Ns now) {
    if (status_latched_) {
        status_latched_ = false;
        return latched_status_;
    }
    auto byte = [this](u16 v, bool& high_next) -> u8 {
        switch (rw_) {
        case 1: return static_cast<u8>(v);
        case 2: return static_cast<u8>(v >> 8);
        default: {
            const u8 b = high_next ? static_cast<u8>(v >> 8) : static_cast<u8>(v);
            high_next = !high_next;
            return b;
        }
        }
    };
    if (count_latched_) {
        const u8 b = byte(latched_count_, latched_read_high_next_);
        // The latch is released once every byte of it has been read.
        if (rw_ != 3 || !latched_read_high_next_) count_latched_ = false;
        return b;
    }
    return byte(value(now), read_high_next_);
}

void PitCounter::write(u8 value, Ns now) {
    unsigned raw;
    switch (rw_) {
    case 1: raw = value; break;
    case 2: raw = static_cast<unsigned>(value) << 8; break;
    default:
        if (!write_high_next_) {
            write_low_ = value;
            write_high_next_ = true;
            // Mode 0: writing the first byte stops the count (OUT low until the new one).
            if (mode_ == 0) {
                loaded_ = false;
                running_ = false;
            }
            return;
        }
        write_high_next_ = false;
        raw = write_low_ | static_cast<unsigned>(value) << 8;
        break;
    }
    if (bcd_) raw = from_bcd(raw);
    count_ = raw == 0 ? (bcd_ ? 10000 : 0x10000) : raw;
    // Modes 2 and 3 take a new count at the end of the current period on real chips; loading
    // it at once is what QEMU does and what guests tolerate.
    load(now);
}

void PitCounter::set_gate(bool gate, Ns now) {
    if (gate == gate_) return;
    gate_ = gate;
    if (!loaded_) return;
    if (!gate) {
        if (mode_ == 0 || mode_ == 2 || mode_ == 3 || mode_ == 4) {
            base_ticks_ = elapsed(now);
            running_ = false;
        }
        return;
    }
    if (mode_ == 0 || mode_ == 4) {
        running_ = true;  // resume where it paused
        load_ns_ = now;
        return;
    }
    // A rising gate (re)starts modes 1, 2, 3 and 5 from the full count.
    base_ticks_ = 0;
    load_ns_ = now;
    running_ = true;
    started_ = true;
}

}  // namespace emu::pit
