// Machines (boards). A machine type is a plugin like any device; the core creates the one
// chosen with -M at /machine, sets its -M properties, calls init() to build the board, then
// creates and realizes each -device, and finally start()s it unless -S was given.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "emu/object.h"

namespace emu {

class Accelerator;
class AddressSpace;
class Device;
class EventLoop;

// What the generic options say about the machine (-m, -smp, -cpu, -kernel, ...).
struct MachineConfig {
    std::uint64_t ram_size = 0;              // bytes; 0 = the machine's default
    unsigned smp_cpus = 1;
    std::string cpu_model;                   // empty = the machine's default
    std::string accel;                       // empty = the machine's default
    std::string kernel, initrd, append, dtb, bios;
    std::vector<std::string> serial;         // -serial, in order
    std::string debugcon;                    // -debugcon
    std::string boot_order;                  // -boot order=: drive letters, "" = the board's default
    bool boot_menu = false;                  // -boot menu=on
    std::string trace, trace_file;           // -d items, -D file
    std::string gdb;                         // -gdb / -s: "tcp::1234"; empty = none
    bool nographic = false;
    bool no_reboot = false;
    bool start_paused = false;               // -S
};

class Machine : public Object {
public:
    const MachineConfig& config() const { return config_; }
    EventLoop& loop() const { return *loop_; }

    // Build the board: memory map, CPUs, on-board devices. Throws Error on bad configuration.
    // The accelerator (if the board has CPUs) is already created and initialised.
    virtual void init() {}
    // Start (or resume) the guest; stop pauses it. By default: the accelerator's CPUs.
    virtual void start();
    virtual void stop();
    // The accelerator used when -accel is not given ("tcg", "kvm"); "" = the board has no CPU.
    virtual std::string default_accel() const { return {}; }
    Accelerator* accelerator() const { return accelerator_; }
    // The CPUs' view of physical memory (boards with CPUs provide it); devices do DMA here.
    virtual AddressSpace* system_memory() { return nullptr; }
    void set_accelerator(Accelerator* accelerator) { accelerator_ = accelerator; }
    // Largest -smp the board accepts.
    virtual unsigned max_cpus() const { return 1; }
    virtual std::uint64_t default_ram_size() const { return 128ull << 20; }
    // The NIC model -nic creates when it names none ("" = the user must give model=).
    virtual std::string default_nic_model() const { return {}; }
    // A NIC soldered on the board (vexpress-a15's LAN9118), created and wired by init() but left
    // unrealized. As QEMU's boards take nd_table[0], the core connects it to the first -nic that
    // names no model (or this NIC's type), else to the first -netdev no -device uses, and then
    // realizes it (unplugged if nothing claimed it). Null: the board has none.
    virtual Device* onboard_nic() { return nullptr; }

    // Ask the core to end emu with this status (guest power-off: 0) once the loop regains
    // control. Thread-safe.
    void request_shutdown(int exit_status);
    // Ask for a board reset (or, with -no-reboot, an exit with status 0). Thread-safe.
    void request_reset();
    // Press the board's power button (the monitor's system_powerdown): the guest decides what
    // to do. Loop thread. False if the board has none.
    virtual bool press_power_button() { return false; }

    // The status a guest-requested shutdown asked for, once it has happened.
    std::optional<int> shutdown_status() const { return shutdown_status_; }

    // Called by the core before init().
    void attach(EventLoop& loop, MachineConfig config);

protected:
    virtual void reset() {}

private:
    EventLoop* loop_ = nullptr;
    Accelerator* accelerator_ = nullptr;
    MachineConfig config_;
    std::optional<int> shutdown_status_;
};

}  // namespace emu
