#include "emu/arm_boot.h"

#include <cstring>

#include "emu/error.h"
#include "emu/loader.h"

namespace emu {

namespace {

constexpr Addr kKernelOffset = 0x10000;          // where zImage/Image go, from the start of RAM
constexpr std::uint32_t kZImageMagic = 0x016f2818;
constexpr Addr kMiB = 1 << 20;

Addr align_up(Addr value, Addr alignment) { return (value + alignment - 1) & ~(alignment - 1); }

std::uint32_t le32(const std::vector<std::uint8_t>& bytes, std::size_t offset) {
    std::uint32_t v = 0;
    if (offset + 4 <= bytes.size()) std::memcpy(&v, bytes.data() + offset, 4);
    return v;
}

}  // namespace

ArmBootPlan arm_load_kernel(AddressSpace& memory, const ArmKernelConfig& config) {
    ArmBootPlan plan;
    const std::string what = "-kernel " + config.kernel;
    std::vector<std::uint8_t> kernel = read_file(config.kernel, "-kernel");
    if (kernel.empty()) throw Error(what + ": the file is empty");
    const Addr ram_end = config.ram_base + config.ram_size;

    if (is_elf(kernel)) {
        ElfImage image = load_elf(memory, kernel, what);
        if (image.machine != 40) throw Error(what + ": not an ARM ELF (e_machine " + std::to_string(image.machine) + ")");
        plan.entry = image.entry;
        plan.is_linux = false;
        plan.kernel_end = image.high;
    } else {
        if (le32(kernel, 0x24) == kZImageMagic) {
            // zImage header: start and end of the image (end - start is the image size).
            const std::uint32_t start = le32(kernel, 0x28), end = le32(kernel, 0x2c);
            if (end > start && kernel.size() < end - start)
                throw Error(what + ": truncated zImage (" + std::to_string(kernel.size()) + " of " +
                            std::to_string(end - start) + " bytes)");
        }
        plan.entry = config.ram_base + kKernelOffset;
        if (plan.entry + kernel.size() > ram_end) throw Error(what + ": the kernel does not fit in RAM");
        load_bytes(memory, plan.entry, kernel, what);
        plan.kernel_end = plan.entry + kernel.size();
    }

    // The initrd goes at 128 MiB (or half of RAM), clear of the decompressed kernel, and the
    // tree right after it, as booting.rst recommends.
    Addr next = std::max(config.ram_base + std::min<Addr>(config.ram_size / 2, 128 * kMiB),
                         align_up(plan.kernel_end, 4096));
    if (!config.initrd.empty()) {
        std::vector<std::uint8_t> initrd = read_file(config.initrd, "-initrd");
        plan.initrd_start = align_up(next, 4096);
        plan.initrd_end = plan.initrd_start + initrd.size();
        if (plan.initrd_end + kMiB > ram_end)
            throw Error("-initrd " + config.initrd + ": too large for " + std::to_string(config.ram_size / kMiB) +
                        " MiB of RAM (" + std::to_string(initrd.size() / kMiB) + " MiB, placed at offset " +
                        std::to_string((plan.initrd_start - config.ram_base) / kMiB) + " MiB)");
        load_bytes(memory, plan.initrd_start, initrd, "-initrd " + config.initrd);
        next = plan.initrd_end;
    }
    plan.dtb_address = align_up(next, 4096);
    return plan;
}

void arm_load_dtb(AddressSpace& memory, Fdt& fdt, const ArmKernelConfig& config, const ArmBootPlan& plan) {
    fdt.add_node("/chosen");
    if (!config.append.empty()) fdt.set_string("/chosen", "bootargs", config.append);
    if (plan.initrd_end > plan.initrd_start) {
        fdt.set_u32("/chosen", "linux,initrd-start", static_cast<std::uint32_t>(plan.initrd_start));
        fdt.set_u32("/chosen", "linux,initrd-end", static_cast<std::uint32_t>(plan.initrd_end));
    }
    std::vector<std::uint8_t> blob = fdt.blob();
    if (plan.dtb_address + blob.size() > config.ram_base + config.ram_size)
        throw Error("the device tree does not fit in RAM");
    load_bytes(memory, plan.dtb_address, blob, "device tree");
}

}  // namespace emu
