// The block compiler's code arena: one mmap'd read/write/execute region per CPU, bump
// allocated, reset together with the block arena on a full code-cache flush (compiled code
// points into its block's instructions, so it dies with them). No region (mmap refused, or
// not an x86-64 host) means no compilation: the interpreter runs every block.
#pragma once

#include <cstddef>
#include <cstdint>

namespace emu::arm {

class JitBuffer {
public:
    explicit JitBuffer(std::size_t capacity);
    ~JitBuffer();
    JitBuffer(const JitBuffer&) = delete;
    JitBuffer& operator=(const JitBuffer&) = delete;

    bool usable() const { return base_ != nullptr; }
    // Copies code into the arena; null when it is full (the caller asks for a flush).
    void* add(const std::uint8_t* code, std::size_t size);
    void reset() { used_ = 0; }

private:
    std::uint8_t* base_ = nullptr;
    std::size_t capacity_ = 0, used_ = 0;
};

}  // namespace emu::arm
