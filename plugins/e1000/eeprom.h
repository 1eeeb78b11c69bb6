// The 82540EM's serial EEPROM: a 64-word Microwire part (93C46) that drivers read either by
// bit-banging EECD (Linux's and U-Boot's e1000 drivers do, for this MAC) or through EERD.
#pragma once

#include <array>
#include <cstdint>

#include "emu/property.h"

namespace e1000 {

class Eeprom {
public:
    static constexpr unsigned kWords = 64;
    static constexpr std::uint16_t kChecksumTarget = 0xbaba;  // sum of all 64 words (SDM 5.6.21)

    struct Ids {
        std::uint16_t vendor_id, device_id, subsystem_vendor_id, subsystem_id;
    };

    // The image: MAC address, IDs, init-control words, checksum.
    void load(const emu::MacAddress& mac, const Ids& ids);
    std::uint16_t word(unsigned index) const { return index < kWords ? words_[index] : 0xffff; }

    // EECD: the bits the driver drives (SK, CS, DI, FWE, REQ) and what the part drives back (DO),
    // plus PRES and GNT (granted whenever requested: no other agent shares the EEPROM).
    std::uint32_t eecd() const;
    void write_eecd(std::uint32_t value);

    // EERD: a read started by START completes at once (DONE and DATA set).
    std::uint32_t eerd() const { return eerd_; }
    void write_eerd(std::uint32_t value);

    // Back to idle (CTRL.RST / board reset); the contents stay.
    void reset_interface();

private:
    std::array<std::uint16_t, kWords> words_{};

    // Microwire state.
    std::uint32_t pins_ = 0;         // last EECD value the driver wrote (driven bits only)
    unsigned bits_in_ = 0;           // bits shifted in since CS rose
    std::uint32_t shift_in_ = 0;
    bool reading_ = false;
    unsigned read_bit_ = 0;          // position in the word stream: word << 4 | (15 - bit)
    std::uint32_t eerd_ = 0;
};

}  // namespace e1000
