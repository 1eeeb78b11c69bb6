// The code arena of a software CPU's block compiler (x86-64 hosts): one mmap'd read/write/execute
// region per CPU, bump allocated, reset together with the CPU's block arena on a full code-cache
// flush (compiled code points into its blocks, so it dies with them). No region (mmap refused, or
// not an x86-64 host) means no compilation: the interpreter runs every block.
//
// Compiled code that calls C++ which may throw (the x86 CPU's faults are C++ exceptions) needs
// unwind information for its frames. All of a compiler's blocks share one frame layout after
// their prologue (the callee-saved registers it pushed, in order, and nothing else on the stack
// at calls), so one FDE describing that layout covers the whole arena: register_unwind_info()
// registers it with the unwinder. Prologues are never unwound through (they make no calls).
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <vector>

#if defined(__x86_64__)
#include <sys/mman.h>
extern "C" void __register_frame(void* begin);
extern "C" void __deregister_frame(void* begin);
#endif

namespace emu::jit {

class CodeBuffer {
public:
    explicit CodeBuffer(std::size_t capacity) {
#if defined(__x86_64__)
        // Reserved lazily by the kernel (MAP_NORESERVE): only the pages written are backed.
        void* p = mmap(nullptr, capacity, PROT_READ | PROT_WRITE | PROT_EXEC,
                       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (p != MAP_FAILED) {
            base_ = static_cast<std::uint8_t*>(p);
            capacity_ = capacity;
        }
#else
        (void)capacity;
#endif
    }
    ~CodeBuffer() {
#if defined(__x86_64__)
        if (!eh_frame_.empty()) __deregister_frame(eh_frame_.data());
        if (base_) munmap(base_, capacity_);
#endif
    }
    CodeBuffer(const CodeBuffer&) = delete;
    CodeBuffer& operator=(const CodeBuffer&) = delete;

    bool usable() const { return base_ != nullptr; }
    // Copies code into the arena (16-byte aligned); null when it is full (the caller flushes).
    void* add(const std::uint8_t* code, std::size_t size) {
        const std::size_t start = (used_ + 15) & ~std::size_t{15};
        if (!base_ || start + size > capacity_) return nullptr;
        std::memcpy(base_ + start, code, size);
        used_ = start + size;
        return base_ + start;
    }
    void reset() { used_ = 0; }
    std::size_t available() const { return capacity_ - used_; }

    // Describes every frame in the arena to the unwinder: the code was entered by a call and
    // then pushed `pushed` (DWARF register numbers: rbx 3, rbp 6, r12-r15 12-15), in order,
    // so CFA = rsp + 8 * (pushed + 1). Call once, before any code runs.
    void register_unwind_info(std::initializer_list<std::uint8_t> pushed) {
#if defined(__x86_64__)
        if (!base_ || !eh_frame_.empty()) return;
        std::vector<std::uint8_t> f;
        auto u32 = [&f](std::uint32_t v) { f.insert(f.end(), reinterpret_cast<std::uint8_t*>(&v), reinterpret_cast<std::uint8_t*>(&v) + 4); };
        auto u64 = [&f](std::uint64_t v) { f.insert(f.end(), reinterpret_cast<std::uint8_t*>(&v), reinterpret_cast<std::uint8_t*>(&v) + 8); };
        auto pad_and_size = [&f](std::size_t start) {  // records are padded to 8 with DW_CFA_nop
            while ((f.size() - start) % 8) f.push_back(0);
            const auto len = static_cast<std::uint32_t>(f.size() - start - 4);
            std::memcpy(&f[start], &len, 4);
        };
        // CIE: version 1, augmentation "zR" (absolute FDE pointers), code alignment 1, data
        // alignment -8, return address column 16; initially CFA = rsp + 8, RA at CFA - 8.
        u32(0);
        u32(0);
        static constexpr std::uint8_t kCie[] = {1, 'z', 'R', 0, 1, 0x78, 16, 1, 0x00, 0x0c, 7, 8, 0x90, 1};
        f.insert(f.end(), kCie, kCie + sizeof kCie);
        pad_and_size(0);
        // FDE for the whole arena: CFA = rsp + 8 * (n + 1), the pushed registers below the RA.
        const std::size_t fde = f.size();
        u32(0);
        u32(static_cast<std::uint32_t>(f.size() - 0));  // CIE pointer: back to offset 0
        u64(reinterpret_cast<std::uint64_t>(base_));
        u64(capacity_);
        f.push_back(0);  // augmentation data length
        f.push_back(0x0e);  // DW_CFA_def_cfa_offset
        f.push_back(static_cast<std::uint8_t>(8 * (pushed.size() + 1)));
        std::uint8_t slot = 2;
        for (std::uint8_t reg : pushed) {
            f.push_back(static_cast<std::uint8_t>(0x80 | reg));  // DW_CFA_offset: at CFA - 8 * slot
            f.push_back(slot++);
        }
        pad_and_size(fde);
        u32(0);  // terminator
        eh_frame_ = std::move(f);
        __register_frame(eh_frame_.data());
#else
        (void)pushed;
#endif
    }

private:
    std::uint8_t* base_ = nullptr;
    std::size_t capacity_ = 0, used_ = 0;
    std::vector<std::uint8_t> eh_frame_;
};

}  // namespace emu::jit
