// A test fixture: emu -M virt debugging gdb_target.elf, started paused (-S) with the stub on a
// free port, and an RSP client connected to it.
#pragma once

#include <gtest/gtest.h>

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

#include "emu_process.h"
#include "rsp_client.h"

namespace emu::gdbtest {

class GdbSession : public ::testing::Test {
protected:
    void SetUp() override {
        if (target_elf().empty()) GTEST_SKIP() << "no guest: arm-none-eabi-gcc was not found at configure time";
        start({});
    }

    void start(const std::vector<std::string>& extra) {
        std::vector<std::string> args{"-M", "virt", "-kernel", target_elf(), "-nographic", "-S"};
        args.insert(args.end(), extra.begin(), extra.end());
        emu = start_emu_with_gdb(args, &port);
        client = std::make_unique<RspClient>(port);
        ASSERT_TRUE(client->connected()) << emu->output();
    }

    // Expects reply to payload; returns it.
    std::string ask(const std::string& payload) {
        auto reply = client->command(payload);
        EXPECT_TRUE(reply.has_value()) << "no reply to " << payload << "\n" << emu->output();
        return reply.value_or("<no reply>");
    }

    // Runs the guest to gdb_spin (past the runtime's start-up, which clears .bss) and stops.
    void stop_in_spin_loop() {
        const std::string spin = hex(symbol("gdb_spin"));
        EXPECT_EQ(ask("Z0," + spin + ",4"), "OK");
        EXPECT_EQ(ask("c"), "T05thread:1;");
        EXPECT_EQ(ask("z0," + spin + ",4"), "OK");
    }

    std::uint32_t pc() { return le32_from_hex(ask("pf")); }
    std::uint32_t reg(unsigned n) {
        char packet[16];
        std::snprintf(packet, sizeof packet, "p%x", n);
        return le32_from_hex(ask(packet));
    }
    static std::string gdb_hex(const std::string& text) {
        std::string out;
        char byte[4];
        for (unsigned char c : text) {
            std::snprintf(byte, sizeof byte, "%02x", c);
            out += byte;
        }
        return out;
    }
    static std::string hex(std::uint32_t value) {
        char text[16];
        std::snprintf(text, sizeof text, "%x", value);
        return text;
    }

    std::unique_ptr<EmuProcess> emu;
    std::unique_ptr<RspClient> client;
    int port = 0;
};

}  // namespace emu::gdbtest
