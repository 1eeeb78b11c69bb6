// The input format of the libFuzzer targets: a sequence of operations, each an opcode byte
// (taken modulo kOpCount) and its operands, little-endian; an input that ends mid-operation
// reads zeros for the rest. README.md lists the operations. Encoder writes inputs (the seeds).
#pragma once

#include <cstddef>
#include <cstdint>
#include <algorithm>
#include <span>
#include <string>
#include <vector>

namespace emu::lf {

enum Op : std::uint8_t {
    kWrite,    // region:u8 offset:u32 width:u8 value:u32     register write (1/2/4 bytes)
    kRead,     // region:u8 offset:u32 width:u8                register read
    kRam,      // where:u16 length:u8 bytes[length]            guest RAM write in the window
    kPointer,  // where:u16 target:u32                         an 8-byte DMA address into RAM
    kClock,    // shift:u8                                     clock step (0: to the next timer)
    kFrame,    // length:u16 kind:u8 head[kFrameHead]          a frame from the wire
    kOpCount,
};

// Where kRam/kPointer write: the window offset, in 4-byte units.
inline constexpr std::uint64_t kWhereUnit = 4;
// kPointer targets at or above this pick an address from a list of hostile ones instead.
inline constexpr std::uint32_t kWildTargets = 0xfff00000;
// A frame's length is length % kMaxFrame (kind 4: 9018-byte jumbo, kind 5: the largest the
// net layer carries). Its first kFrameHead bytes (after the destination MAC for kinds other
// than 3) come from the input; a counting pattern fills the rest.
inline constexpr std::uint32_t kMaxFrame = 4096;
inline constexpr std::size_t kFrameHead = 64;

// Reads operands; past the end of the input everything is zero.
class Reader {
public:
    explicit Reader(std::span<const std::uint8_t> data) : data_(data) {}
    bool done() const { return at_ >= data_.size(); }
    std::uint64_t take(unsigned bytes) {
        std::uint64_t value = 0;
        for (unsigned i = 0; i < bytes; ++i, ++at_)
            if (at_ < data_.size()) value |= static_cast<std::uint64_t>(data_[at_]) << (8 * i);
        return value;
    }
    std::span<const std::uint8_t> bytes(std::size_t n) {
        const std::size_t start = std::min(at_, data_.size());
        const std::size_t count = std::min(n, data_.size() - start);
        at_ += n;
        return data_.subspan(start, count);
    }

private:
    std::span<const std::uint8_t> data_;
    std::size_t at_ = 0;
};

// Builds inputs: the seeds, written the way a driver sets a card up.
class Encoder {
public:
    // width: 1, 2 or 4 bytes.
    void write(unsigned region, std::uint32_t offset, unsigned width, std::uint32_t value) {
        put(kWrite, 1), put(region, 1), put(offset, 4), put(width_code(width), 1), put(value, 4);
    }
    void read(unsigned region, std::uint32_t offset, unsigned width) {
        put(kRead, 1), put(region, 1), put(offset, 4), put(width_code(width), 1);
    }
    // window_offset must be a multiple of kWhereUnit.
    void ram(std::uint32_t window_offset, const std::vector<std::uint8_t>& bytes) {
        constexpr std::size_t kChunk = 252;  // at most 255, a multiple of kWhereUnit
        for (std::size_t done = 0; done < bytes.size(); done += kChunk) {
            const std::size_t n = std::min<std::size_t>(kChunk, bytes.size() - done);
            put(kRam, 1), put((window_offset + done) / kWhereUnit, 2), put(n, 1);
            out_.insert(out_.end(), bytes.begin() + static_cast<std::ptrdiff_t>(done),
                        bytes.begin() + static_cast<std::ptrdiff_t>(done + n));
        }
    }
    void ram32(std::uint32_t window_offset, std::uint32_t value) {
        ram(window_offset, {static_cast<std::uint8_t>(value), static_cast<std::uint8_t>(value >> 8),
                            static_cast<std::uint8_t>(value >> 16), static_cast<std::uint8_t>(value >> 24)});
    }
    // An 8-byte pointer at window_offset to window offset target.
    void pointer(std::uint32_t window_offset, std::uint32_t target) {
        put(kPointer, 1), put(window_offset / kWhereUnit, 2), put(target, 4);
    }
    void clock(unsigned shift) { put(kClock, 1), put(shift, 1); }
    // kind 0: to the card's MAC, 1: broadcast, 2: multicast, 3: as given.
    void frame(std::uint16_t length, unsigned kind, std::vector<std::uint8_t> head) {
        put(kFrame, 1), put(length, 2), put(kind, 1);
        head.resize(kFrameHead);
        out_.insert(out_.end(), head.begin(), head.end());
    }
    const std::vector<std::uint8_t>& bytes() const { return out_; }

private:
    static unsigned width_code(unsigned width) { return width == 1 ? 0 : width == 2 ? 1 : 2; }
    void put(std::uint64_t value, unsigned bytes) {
        for (unsigned i = 0; i < bytes; ++i) out_.push_back(static_cast<std::uint8_t>(value >> (8 * i)));
    }
    std::vector<std::uint8_t> out_;
};

}  // namespace emu::lf
