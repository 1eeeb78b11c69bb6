// A bench for the virtio core and the virtio-mmio transport: a registry with the virtio types and
// the virtio_mmio plugin, a test machine with system memory (1 MiB of RAM, a ROM, and an MMIO
// "trap" page that records any access, so tests can prove no guest-supplied address reached a
// device), virtio-mmio transports mapped as on virt, and two test devices:
//   virtio-test-rng   device ID 4 (entropy), one queue: fills every writable buffer with a
//                     running byte counter (or holds the chains, to complete them later);
//   virtio-test-sink  a test-only device ID, two queues: records the readable bytes of each
//                     chain and writes a one-byte status to its first writable buffer; a
//                     16-byte config space (le64 capacity, le32 counter, u8 writable mode).
// The bench also plays the guest driver: register access, feature negotiation, rings in RAM.
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "emu/device.h"
#include "emu/error.h"
#include "emu/event_loop.h"
#include "emu/irq.h"
#include "emu/machine.h"
#include "emu/memory.h"
#include "emu/object.h"
#include "emu/type.h"
#include "emu/virtio.h"
#include "plugin_loader.h"

namespace virtio_test {

using emu::Addr;
namespace virtio = emu::virtio;

constexpr Addr kRamBase = 0x40000000, kRamSize = 1 << 20;
constexpr Addr kRomBase = 0x30000000, kRomSize = 0x10000;
constexpr Addr kTrapBase = 0x20000000, kTrapSize = 0x10000;
constexpr Addr kMmioBase = 0x0a000000, kMmioStride = 0x200;
constexpr std::uint16_t kSinkId = 0x7f01;  // not a real device ID: the test sink

// Register offsets (VIRTIO 1.2 §4.2.2).
namespace reg {
constexpr Addr kMagic = 0x000, kVersion = 0x004, kDeviceId = 0x008, kVendorId = 0x00c, kDeviceFeatures = 0x010,
               kDeviceFeaturesSel = 0x014, kDriverFeatures = 0x020, kDriverFeaturesSel = 0x024,
               kGuestPageSize = 0x028, kQueueSel = 0x030, kQueueNumMax = 0x034, kQueueNum = 0x038,
               kQueueAlign = 0x03c, kQueuePfn = 0x040, kQueueReady = 0x044, kQueueNotify = 0x050,
               kInterruptStatus = 0x060, kInterruptAck = 0x064, kStatus = 0x070, kQueueDescLow = 0x080,
               kQueueDescHigh = 0x084, kQueueDriverLow = 0x090, kQueueDriverHigh = 0x094,
               kQueueDeviceLow = 0x0a0, kQueueDeviceHigh = 0x0a4, kShmLenLow = 0x0b0, kConfigGeneration = 0x0fc,
               kConfig = 0x100;
}  // namespace reg

// ---- The test machine --------------------------------------------------------------------------

class TestMachine final : public emu::Machine {
public:
    TestMachine() {
        system_ = emu::MemoryRegion::container("system", ~Addr(0));
        memory_ = std::make_unique<emu::AddressSpace>("memory", *system_);
        ram_ = emu::MemoryRegion::ram("ram", kRamSize);
        system_->add_subregion(kRamBase, *ram_);
        rom_ = emu::MemoryRegion::rom("rom", kRomSize);
        system_->add_subregion(kRomBase, *rom_);
        emu::MmioOps ops;
        ops.read = [this](Addr, unsigned) -> std::uint64_t {
            ++trap_accesses;
            return 0;
        };
        ops.write = [this](Addr, std::uint64_t, unsigned) { ++trap_accesses; };
        trap_ = emu::MemoryRegion::mmio("trap", kTrapSize, ops);
        system_->add_subregion(kTrapBase, *trap_);
    }
    emu::AddressSpace* system_memory() override { return memory_.get(); }
    emu::MemoryRegion& system() { return *system_; }
    std::uint8_t* ram() { return ram_->data(); }
    std::uint8_t* rom() { return rom_->data(); }

    int trap_accesses = 0;

private:
    std::unique_ptr<emu::MemoryRegion> system_;
    std::unique_ptr<emu::AddressSpace> memory_;
    std::unique_ptr<emu::MemoryRegion> ram_, rom_, trap_;
};

// ---- Test devices ----------------------------------------------------------------------------------

class TestRng final : public emu::VirtioDevice {
public:
    std::uint16_t device_id() const override { return virtio::kIdRng; }

    bool defer = false;                              // hold chains instead of completing them
    std::vector<emu::VirtqElement> held;
    std::function<void(const emu::VirtqElement&)> on_element;  // runs after each pop
    std::uint8_t next = 0;
    int kicks = 0;
    int resets = 0;

    // Complete the held chains (as an asynchronous back end would, later).
    void complete_held() {
        for (const emu::VirtqElement& e : held) fill(queue(0), e);
        held.clear();
        queue(0).notify();
    }

    void fill(emu::VirtQueue& vq, const emu::VirtqElement& e) {
        std::vector<std::uint8_t> data(e.in_bytes);
        for (auto& b : data) b = next++;
        const std::size_t n = vq.write(e, 0, data.data(), data.size());
        vq.push(e, static_cast<std::uint32_t>(n));
    }

protected:
    void realize_virtio() override {
        add_queue(16, [this](emu::VirtQueue& vq) { handle(vq); });
    }
    void reset_device() override {
        ++resets;
        held.clear();  // a real device would also drop them (pushing them would be ignored anyway)
    }

private:
    void handle(emu::VirtQueue& vq) {
        ++kicks;
        while (auto e = vq.pop()) {
            if (on_element) on_element(*e);
            if (defer) {
                held.push_back(*e);
                continue;
            }
            fill(vq, *e);
        }
        vq.notify();
    }
};

class TestSink final : public emu::VirtioDevice {
public:
    static constexpr unsigned kFeatureA = 0, kFeatureB = 5, kFeatureLegacyOnly = 6, kFeatureHigh = 50;
    static constexpr std::uint64_t kCapacity = 0x1122334455667788ull;

    std::uint16_t device_id() const override { return kSinkId; }
    std::uint64_t device_features() const override {
        return virtio::bit(kFeatureA) | virtio::bit(kFeatureB) | virtio::bit(kFeatureLegacyOnly) |
               virtio::bit(kFeatureHigh);
    }
    std::uint64_t device_legacy_only_features() const override { return virtio::bit(kFeatureLegacyOnly); }

    struct Received {
        unsigned queue;
        std::uint16_t head;
        std::vector<std::uint8_t> bytes;
        std::uint64_t in_bytes;
        bool zero_copy_matches;
    };
    std::vector<Received> received;
    std::uint8_t status_byte = 0xa5;
    int features_changes = 0;
    std::uint64_t last_features = 0;
    std::vector<std::pair<std::uint8_t, std::uint8_t>> status_changes;

    // A config field changed (the counter at offset 8).
    void bump() {
        config_store(8, config_load(8, 4) + 1, 4);
        notify_config();
    }

    void config_write(unsigned offset, std::uint32_t value, unsigned size) override {
        if (offset == 12 && size == 1) config_store(12, value, 1);  // only "mode" is writable
    }

protected:
    void realize_virtio() override {
        add_queue(8, [this](emu::VirtQueue& vq) { handle(vq); });
        add_queue(4, [this](emu::VirtQueue& vq) { handle(vq); });
        set_config_size(16);
        config_store(0, kCapacity, 8);
    }
    bool validate_features(std::uint64_t features) override {
        // Feature B depends on feature A (to test a refused FEATURES_OK).
        return !(features & virtio::bit(kFeatureB)) || (features & virtio::bit(kFeatureA));
    }
    void features_changed(std::uint64_t features) override {
        ++features_changes;
        last_features = features;
    }
    void status_changed(std::uint8_t old_status, std::uint8_t new_status) override {
        status_changes.emplace_back(old_status, new_status);
    }

private:
    void handle(emu::VirtQueue& vq) {
        while (auto e = vq.pop()) {
            Received r{vq.index(), e->head, std::vector<std::uint8_t>(e->out_bytes), e->in_bytes, true};
            // Read in two pieces, to exercise offsets across buffers.
            const std::size_t first = std::min<std::size_t>(3, r.bytes.size());
            std::size_t got = vq.read(*e, 0, r.bytes.data(), first);
            got += vq.read(*e, first, r.bytes.data() + first, r.bytes.size() - first);
            EXPECT_EQ(got, r.bytes.size());
            if (!e->out.empty()) {
                std::span<std::uint8_t> direct = vq.map(e->out[0], false);
                r.zero_copy_matches = direct.size() == e->out[0].len &&
                                      std::equal(direct.begin(), direct.end(), r.bytes.begin());
            }
            std::uint32_t written = 0;
            if (e->in_bytes) written = static_cast<std::uint32_t>(vq.write(*e, 0, &status_byte, 1));
            received.push_back(std::move(r));
            vq.push(*e, written);
        }
        vq.notify();
    }
};

// ---- The bench ---------------------------------------------------------------------------------------

template <class T>
std::unique_ptr<T> as(std::unique_ptr<emu::Object> object) {
    auto* typed = dynamic_cast<T*>(object.get());
    if (!typed) throw std::runtime_error("unexpected object type");
    object.release();
    return std::unique_ptr<T>(typed);
}

// Records one line's level and how often it rose.
struct Line {
    struct State {
        bool level = false;
        int rises = 0;
    };
    std::shared_ptr<State> state = std::make_shared<State>();
    emu::IrqLine line() const {
        auto s = state;
        return emu::IrqLine([s](bool v) {
            if (v && !s->level) ++s->rises;
            s->level = v;
        });
    }
    bool level() const { return state->level; }
    int rises() const { return state->rises; }
};

// The driver's view of one virtqueue it set up.
struct DriverQueue {
    unsigned transport = 0;
    unsigned index = 0;
    unsigned n = 0;
    Addr desc = 0, avail = 0, used = 0;
    std::uint16_t avail_idx = 0;
};

struct UsedElem {
    std::uint32_t id;
    std::uint32_t len;
};

class VirtioBench : public ::testing::Test {
protected:
    VirtioBench() {
        emu::register_virtio_types(registry);
        const auto& record = loader.load_file(std::filesystem::path(EMU_PLUGIN_DIR) / "virtio_mmio.so");
        EXPECT_TRUE(record.loaded) << record.error;
        registry.register_type({.name = "virtio-test-machine",
                                .parent = "machine",
                                .description = "test machine with RAM, ROM and a trap page",
                                .factory = emu::factory_of<TestMachine>()},
                               "virtio-tests");
        registry.register_type({.name = "virtio-test-rng",
                                .parent = "virtio-device",
                                .category = emu::Category::Misc,
                                .description = "test entropy device",
                                .factory = emu::factory_of<TestRng>()},
                               "virtio-tests");
        registry.register_type({.name = "virtio-test-sink",
                                .parent = "virtio-device",
                                .category = emu::Category::Misc,
                                .description = "test sink device",
                                .factory = emu::factory_of<TestSink>()},
                               "virtio-tests");
        root = registry.create("container");
        machine = &root->add_child("machine", as<TestMachine>(registry.create("virtio-test-machine")));
        machine->attach(loop, {});
    }

    ~VirtioBench() override {
        emu::unrealize_tree(*root);
        root.reset();
    }

    // count transports at kMmioBase + 0x200 * i, created in address order as virt does.
    void add_transports(unsigned count, bool legacy) {
        legacy_ = legacy;
        for (unsigned i = 0; i < count; ++i) {
            auto& t = machine->add_child("virtio-mmio[" + std::to_string(i) + "]",
                                         as<emu::Device>(registry.create("virtio-mmio")));
            t.set_property("force-legacy", legacy ? "on" : "off");
            t.realize();
            machine->system().add_subregion(kMmioBase + kMmioStride * i, t.mmio(0));
            lines.emplace_back();
            t.connect_gpio_out("", 0, lines.back().line());
            transports.push_back(&t);
        }
    }

    emu::VirtioBus& bus_of(unsigned transport) {
        return dynamic_cast<emu::VirtioBus&>(*transports.at(transport)->child("virtio-bus"));
    }

    template <class T>
    T& create(const std::string& type, const std::string& id,
              const std::vector<std::pair<std::string, std::string>>& props = {}) {
        auto& device = machine->container("peripheral").add_child(id, as<T>(registry.create(type)));
        for (const auto& [key, value] : props) device.set_property(key, value);
        return device;
    }
    template <class T>
    T& add(const std::string& type, const std::string& id,
           const std::vector<std::pair<std::string, std::string>>& props = {}) {
        T& device = create<T>(type, id, props);
        device.realize();
        return device;
    }

    static std::string realize_error(emu::Device& device) {
        try {
            device.realize();
        } catch (const emu::Error& e) {
            return e.what();
        }
        return "(no error)";
    }

    // ---- Registers ----
    emu::AddressSpace& memory() { return *machine->system_memory(); }
    std::uint32_t rd(unsigned t, Addr offset, unsigned size = 4) {
        std::uint64_t v = 0;
        EXPECT_EQ(memory().read_value(kMmioBase + kMmioStride * t + offset, size, v), emu::MemResult::Ok);
        return static_cast<std::uint32_t>(v);
    }
    void wr(unsigned t, Addr offset, std::uint64_t value, unsigned size = 4) {
        EXPECT_EQ(memory().write_value(kMmioBase + kMmioStride * t + offset, size, value), emu::MemResult::Ok);
    }
    std::uint64_t features(unsigned t) {
        wr(t, reg::kDeviceFeaturesSel, 1);
        std::uint64_t high = rd(t, reg::kDeviceFeatures);
        wr(t, reg::kDeviceFeaturesSel, 0);
        return high << 32 | rd(t, reg::kDeviceFeatures);
    }

    // ---- Guest memory ----
    std::uint64_t peek(Addr addr, unsigned size) {
        std::uint64_t v = 0;
        EXPECT_EQ(memory().read_value(addr, size, v), emu::MemResult::Ok);
        return v;
    }
    void poke(Addr addr, std::uint64_t value, unsigned size) {
        EXPECT_EQ(memory().write_value(addr, size, value), emu::MemResult::Ok);
    }
    void zero(Addr addr, std::size_t length) {
        std::vector<std::uint8_t> zeros(length);
        memory().write(addr, zeros.data(), zeros.size());
    }
    std::vector<std::uint8_t> bytes(Addr addr, std::size_t length) {
        std::vector<std::uint8_t> out(length);
        memory().read(addr, out.data(), out.size());
        return out;
    }
    void put(Addr addr, const std::vector<std::uint8_t>& data) { memory().write(addr, data.data(), data.size()); }

    // ---- Driver ----
    // Reset, ACKNOWLEDGE, DRIVER, features (modern: FEATURES_OK). Returns the status read back.
    std::uint32_t negotiate(unsigned t, std::uint64_t wanted) {
        wr(t, reg::kStatus, 0);
        wr(t, reg::kStatus, virtio::kStatusAcknowledge);
        wr(t, reg::kStatus, virtio::kStatusAcknowledge | virtio::kStatusDriver);
        if (legacy_) {
            wr(t, reg::kGuestPageSize, 4096);
            wr(t, reg::kDriverFeaturesSel, 0);
            wr(t, reg::kDriverFeatures, static_cast<std::uint32_t>(wanted));
            return rd(t, reg::kStatus);
        }
        wr(t, reg::kDriverFeaturesSel, 0);
        wr(t, reg::kDriverFeatures, static_cast<std::uint32_t>(wanted));
        wr(t, reg::kDriverFeaturesSel, 1);
        wr(t, reg::kDriverFeatures, static_cast<std::uint32_t>(wanted >> 32));
        wr(t, reg::kStatus, virtio::kStatusAcknowledge | virtio::kStatusDriver | virtio::kStatusFeaturesOk);
        return rd(t, reg::kStatus);
    }
    void driver_ok(unsigned t) { wr(t, reg::kStatus, rd(t, reg::kStatus) | virtio::kStatusDriverOk); }

    // Queue q of n entries with its rings in the 16 KiB at area (zeroed). Modern: desc at area,
    // driver ring at +0x1000, device ring at +0x2000; legacy: one block at area (page aligned).
    DriverQueue setup_queue(unsigned t, unsigned q, unsigned n, Addr area, bool ready = true) {
        zero(area, 0x4000);
        DriverQueue dq{t, q, n, area, 0, 0, 0};
        wr(t, reg::kQueueSel, q);
        wr(t, reg::kQueueNum, n);
        if (legacy_) {
            dq.avail = area + virtio::desc_table_size(n);
            dq.used = area + virtio::legacy_used_offset(n, 4096);
            wr(t, reg::kQueueAlign, 4096);
            if (ready) wr(t, reg::kQueuePfn, area >> 12);
        } else {
            dq.avail = area + 0x1000;
            dq.used = area + 0x2000;
            wr(t, reg::kQueueDescLow, static_cast<std::uint32_t>(dq.desc));
            wr(t, reg::kQueueDescHigh, static_cast<std::uint32_t>(dq.desc >> 32));
            wr(t, reg::kQueueDriverLow, static_cast<std::uint32_t>(dq.avail));
            wr(t, reg::kQueueDriverHigh, static_cast<std::uint32_t>(dq.avail >> 32));
            wr(t, reg::kQueueDeviceLow, static_cast<std::uint32_t>(dq.used));
            wr(t, reg::kQueueDeviceHigh, static_cast<std::uint32_t>(dq.used >> 32));
            if (ready) wr(t, reg::kQueueReady, 1);
        }
        return dq;
    }

    static void write_desc(VirtioBench& b, Addr table, unsigned i, Addr addr, std::uint32_t len, std::uint16_t flags,
                           std::uint16_t next) {
        const Addr d = table + 16 * Addr{i};
        b.poke(d, addr, 8);
        b.poke(d + 8, len, 4);
        b.poke(d + 12, flags, 2);
        b.poke(d + 14, next, 2);
    }
    void desc(const DriverQueue& q, unsigned i, Addr addr, std::uint32_t len, std::uint16_t flags = 0,
              std::uint16_t next = 0) {
        write_desc(*this, q.desc, i, addr, len, flags, next);
    }
    // Make the chain at head available (without kicking).
    void publish(DriverQueue& q, std::uint16_t head) {
        poke(q.avail + 4 + 2 * Addr{static_cast<unsigned>(q.avail_idx % q.n)}, head, 2);
        ++q.avail_idx;
        poke(q.avail + 2, q.avail_idx, 2);
    }
    void kick(const DriverQueue& q) { wr(q.transport, reg::kQueueNotify, q.index); }
    std::uint16_t used_idx(const DriverQueue& q) { return static_cast<std::uint16_t>(peek(q.used + 2, 2)); }
    std::uint16_t used_flags(const DriverQueue& q) { return static_cast<std::uint16_t>(peek(q.used, 2)); }
    UsedElem used(const DriverQueue& q, unsigned slot) {
        const Addr e = q.used + 4 + 8 * Addr{slot % q.n};
        return {static_cast<std::uint32_t>(peek(e, 4)), static_cast<std::uint32_t>(peek(e + 4, 4))};
    }
    void set_avail_flags(const DriverQueue& q, std::uint16_t flags) { poke(q.avail, flags, 2); }
    void set_used_event(const DriverQueue& q, std::uint16_t value) { poke(q.avail + 4 + 2 * Addr{q.n}, value, 2); }
    std::uint16_t avail_event(const DriverQueue& q) {
        return static_cast<std::uint16_t>(peek(q.used + 4 + 8 * Addr{q.n}, 2));
    }

    emu::TypeRegistry registry;
    emu::PluginLoader loader{registry};
    emu::EventLoop loop;
    std::unique_ptr<emu::Object> root;
    TestMachine* machine = nullptr;
    std::vector<emu::Device*> transports;
    std::vector<Line> lines;
    bool legacy_ = false;
};

// Captures stderr for a scope, to count the log lines a broken device writes.
class StderrCapture {
public:
    StderrCapture() { ::testing::internal::CaptureStderr(); }
    ~StderrCapture() {
        if (!taken_) ::testing::internal::GetCapturedStderr();
    }
    std::string take() {
        taken_ = true;
        return ::testing::internal::GetCapturedStderr();
    }

private:
    bool taken_ = false;
};

inline int count_lines(const std::string& text) {
    int n = 0;
    for (char c : text) n += c == '\n';
    return n;
}

}  // namespace virtio_test
