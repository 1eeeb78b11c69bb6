// The human monitor (QEMU's HMP, the commands its users type): `-monitor DEV`, or C-a c on the
// stdio console that -nographic and -serial mon:stdio multiplex with the first serial port.
//
// A Monitor is a front end of a character back end (chardev.h). It reads lines, runs commands
// on the loop thread under the big lock, and writes answers back through the same back end.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "emu/chardev.h"
#include "emu/device.h"

namespace emu {

class Machine;
class TypeRegistry;

class Monitor final : public Device {
public:
    // The back end to serve; with mux, the monitor is the back end's second front end and gets
    // input only after C-a c.
    void set_chardev(CharBackend* chardev, bool mux) { chardev_ = chardev, mux_ = mux; }

    // Run one command line; returns what the monitor prints for it (tests use this directly).
    std::string execute(const std::string& line);

protected:
    void do_realize() override;

private:
    struct Command {
        const char* name;
        const char* args;
        const char* help;
        std::function<std::string(const std::vector<std::string>&)> run;
    };
    const std::vector<Command>& commands();
    Machine& machine_or_throw() const;
    void input(const std::uint8_t* data, std::size_t length);
    void print(const std::string& text);
    void prompt() { print("(emu) "); }

    std::string info(const std::vector<std::string>& args);
    std::string info_network();
    std::string set_link(const std::vector<std::string>& args);

    CharBackend* chardev_ = nullptr;
    bool mux_ = false;
    bool running_ = true;
    std::string line_;
    bool last_was_cr_ = false;
    std::vector<Command> commands_;
};

void register_monitor_type(TypeRegistry& registry);

}  // namespace emu
