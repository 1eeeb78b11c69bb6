// The Versatile Express configuration bus behind SYS_CFGCTRL/SYS_CFGDATA/SYS_CFGSTAT: the
// motherboard's and the daughterboard's configuration controllers (MCC, DCC), which own the
// oscillators, the voltage/current/temperature sensors and the board's power controls.
//
// A command names a function, a site (0 motherboard, 1 and 2 the daughterboard sites; this
// board has one tile, in site 1, which Linux's "master site" resolves to) and a device number
// within the function. What answers (V2M-P1 TRM 4.7.x, and the values QEMU models):
//   OSC (1)      read/write, Hz: motherboard OSC0..5, daughterboard OSCCLK0..n
//   VOLT (2)     read, µV: motherboard VIO (3.3 V), daughterboard rails
//   AMP (3)      read, µA          TEMP (4) read, m°C          POWER (12) read, µW
//   ENERGY (13)  read, µJ (two words, both zero)
//   RESET (5), REBOOT (9)   write: the board resets
//   SHUTDOWN (8)            write: the board powers off
//   MUXFPGA (7), DVIMODE (11)  read/write storage (the video multiplexer; no display here)
// Anything else, or a device number out of range, ends with the error flag.
#pragma once

#include <cstdint>
#include <functional>
#include <vector>

namespace vexpress {

struct ConfigBusSetup {
    std::vector<std::uint32_t> mb_osc;        // Hz, motherboard OSC0..
    std::vector<std::uint32_t> db_osc;        // Hz, daughterboard OSCCLK0..
    std::vector<std::uint32_t> db_voltage;    // µV, daughterboard rails
    std::function<void()> shutdown, reboot;
};

class ConfigBus {
public:
    enum Function : unsigned {
        kOsc = 1, kVolt = 2, kAmp = 3, kTemp = 4, kReset = 5, kScc = 6, kMuxFpga = 7,
        kShutdown = 8, kReboot = 9, kDviMode = 11, kPower = 12, kEnergy = 13,
    };

    explicit ConfigBus(ConfigBusSetup setup);
    void reset();   // oscillators back to their power-on rates

    // One transfer: SYS_CFGCTRL's fields and SYS_CFGDATA. Returns false for an error; a read
    // stores its result in data.
    bool execute(unsigned function, unsigned site, unsigned device, bool write, std::uint32_t& data);

private:
    bool read(unsigned function, unsigned site, unsigned device, std::uint32_t& data);
    bool write(unsigned function, unsigned site, unsigned device, std::uint32_t data);

    ConfigBusSetup setup_;
    std::vector<std::uint32_t> mb_osc_, db_osc_;
    std::uint32_t muxfpga_ = 0, dvimode_ = 0;
};

}  // namespace vexpress
