#include "config_bus.h"

namespace vexpress {

namespace {
constexpr unsigned kSiteMotherboard = 0, kSiteTile1 = 1;
constexpr std::uint32_t kMotherboardVio = 3'300'000;    // µV
constexpr std::uint32_t kTemperature = 40'000;          // m°C
constexpr std::uint32_t kCoreCurrent = 1'000'000;       // µA
constexpr std::uint32_t kCorePower = 900'000;           // µW

bool lookup(const std::vector<std::uint32_t>& table, unsigned device, std::uint32_t& data) {
    if (device >= table.size()) return false;
    data = table[device];
    return true;
}
}  // namespace

ConfigBus::ConfigBus(ConfigBusSetup setup) : setup_(std::move(setup)) { reset(); }

void ConfigBus::reset() {
    mb_osc_ = setup_.mb_osc;
    db_osc_ = setup_.db_osc;
    muxfpga_ = dvimode_ = 0;
}

bool ConfigBus::execute(unsigned function, unsigned site, unsigned device, bool write_access, std::uint32_t& data) {
    if (site != kSiteMotherboard && site != kSiteTile1) return false;  // no tile in site 2
    return write_access ? write(function, site, device, data) : read(function, site, device, data);
}

bool ConfigBus::read(unsigned function, unsigned site, unsigned device, std::uint32_t& data) {
    const bool mb = site == kSiteMotherboard;
    switch (function) {
    case kOsc: return lookup(mb ? mb_osc_ : db_osc_, device, data);
    case kVolt:
        if (mb) {
            if (device != 0) return false;
            data = kMotherboardVio;
            return true;
        }
        return lookup(setup_.db_voltage, device, data);
    case kAmp:
        if (mb || device != 0) return false;
        data = kCoreCurrent;
        return true;
    case kTemp:
        if (device != 0) return false;
        data = kTemperature;
        return true;
    case kPower:
        if (mb || device != 0) return false;
        data = kCorePower;
        return true;
    case kEnergy:
        if (mb || device > 1) return false;
        data = 0;
        return true;
    case kMuxFpga:
        if (!mb || device != 0) return false;
        data = muxfpga_;
        return true;
    case kDviMode:
        if (!mb || device != 0) return false;
        data = dvimode_;
        return true;
    default: return false;
    }
}

bool ConfigBus::write(unsigned function, unsigned site, unsigned device, std::uint32_t data) {
    const bool mb = site == kSiteMotherboard;
    switch (function) {
    case kOsc: {
        auto& table = mb ? mb_osc_ : db_osc_;
        if (device >= table.size()) return false;
        table[device] = data;
        return true;
    }
    case kShutdown:
        if (!mb || device != 0) return false;
        if (setup_.shutdown) setup_.shutdown();
        return true;
    case kReset:
    case kReboot:
        if (!mb || device != 0) return false;
        if (setup_.reboot) setup_.reboot();
        return true;
    case kMuxFpga:
        if (!mb || device != 0) return false;
        muxfpga_ = data;
        return true;
    case kDviMode:
        if (!mb || device != 0) return false;
        dvimode_ = data;
        return true;
    default: return false;
    }
}

}  // namespace vexpress
