// The device bench of tests/devices with the vexpress devices' plugins loaded as well.
#pragma once

#include <filesystem>
#include <string>

#include "device_harness.h"

namespace vexpress_test {

class VexpressBench : public emu_test::DeviceBench {
protected:
    VexpressBench() {
        for (const char* plugin : {"sp804", "sp810", "pl050", "pl180", "lan9118", "vexpress_sysregs"}) {
            const auto& record = loader.load_file(std::filesystem::path(EMU_PLUGIN_DIR) / (std::string(plugin) + ".so"));
            EXPECT_TRUE(record.loaded) << plugin << ": " << record.error;
        }
        loop.virtual_clock().set_manual(true);
    }

    // A device of this type at /<name>, realized and mapped at base.
    emu::Device& place(const std::string& type, const std::string& name, emu::Addr base) {
        emu::Device& device = create(type, name);
        device.realize();
        map(base, device.mmio(0));
        return device;
    }
    void step(emu::ClockNs ns) { loop.virtual_clock().step(ns); }
};

}  // namespace vexpress_test
