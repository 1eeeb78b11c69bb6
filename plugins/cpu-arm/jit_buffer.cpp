#include "jit_buffer.h"

#include <cstring>

#if defined(__x86_64__)
#include <sys/mman.h>
#endif

namespace emu::arm {

JitBuffer::JitBuffer(std::size_t capacity) {
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

JitBuffer::~JitBuffer() {
#if defined(__x86_64__)
    if (base_) munmap(base_, capacity_);
#endif
}

void* JitBuffer::add(const std::uint8_t* code, std::size_t size) {
    const std::size_t start = (used_ + 15) & ~std::size_t{15};
    if (!base_ || start + size > capacity_) return nullptr;
    std::memcpy(base_ + start, code, size);
    used_ = start + size;
    return base_ + start;
}

}  // namespace emu::arm
