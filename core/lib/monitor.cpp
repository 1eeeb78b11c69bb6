#include "monitor.h"

#include <sstream>

#include "emu/error.h"
#include "emu/machine.h"
#include "emu/net.h"
#include "emu/type.h"
#include "emu/version.h"

namespace emu {

namespace {

std::vector<std::string> split_words(const std::string& line) {
    std::vector<std::string> words;
    std::istringstream in(line);
    for (std::string word; in >> word;) words.push_back(word);
    return words;
}

}  // namespace

void Monitor::do_realize() {
    if (!chardev_) throw Error("the monitor needs a character back end");
    if (const Object* machine = root().child("machine"))
        if (auto* m = dynamic_cast<const Machine*>(machine)) running_ = !m->config().start_paused;
    auto banner = [this] {
        line_.clear();
        print("emu " + std::string(version()) + " monitor - type 'help' for more information\r\n");
        prompt();
    };
    CharBackend::Receiver receiver{
        [] { return std::size_t{4096}; },
        [this](const std::uint8_t* data, std::size_t length) { input(data, length); },
        mux_ ? std::function<void()>() : banner};  // a socket's client is greeted when it comes
    if (mux_) {
        chardev_->attach_mux(*this, std::move(receiver), banner);
    } else {
        chardev_->attach(*this, std::move(receiver));
        if (chardev_->is_open()) banner();
    }
}

void Monitor::print(const std::string& text) {
    std::string out;
    out.reserve(text.size());
    for (char c : text) {  // the terminal is raw: lines end in CR LF
        if (c == '\n' && (out.empty() || out.back() != '\r')) out += '\r';
        out += c;
    }
    chardev_->write(reinterpret_cast<const std::uint8_t*>(out.data()), out.size());
}

void Monitor::input(const std::uint8_t* data, std::size_t length) {
    for (std::size_t i = 0; i < length; ++i) {
        const char c = static_cast<char>(data[i]);
        if (c == '\n' && last_was_cr_) {  // CR LF from a client: one line
            last_was_cr_ = false;
            continue;
        }
        last_was_cr_ = c == '\r';
        if (c == '\r' || c == '\n') {
            print("\n");
            std::string line;
            line.swap(line_);
            std::string out = execute(line);
            if (!out.empty()) print(out);
            prompt();
        } else if (c == 0x7f || c == 0x08) {
            if (!line_.empty()) {
                line_.pop_back();
                print("\b \b");
            }
        } else if (static_cast<unsigned char>(c) >= 0x20 && line_.size() < 1024) {
            line_ += c;
            chardev_->write(&data[i], 1);  // echo
        }
    }
}

Machine& Monitor::machine_or_throw() const {
    auto* machine = dynamic_cast<Machine*>(root().child("machine"));
    if (!machine) throw Error("there is no machine");
    return *machine;
}

const std::vector<Monitor::Command>& Monitor::commands() {
    if (!commands_.empty()) return commands_;
    using Args = const std::vector<std::string>&;
    commands_ = {
        {"help", "", "list the commands (also '?')",
         [this](Args) {
             std::string out;
             for (const Command& c : commands_)
                 out += std::string(c.name) + (*c.args ? " " : "") + c.args + " -- " + c.help + "\n";
             return out;
         }},
        {"info", "status|network|version", "show the machine's state, its network, emu's version",
         [this](Args args) { return info(args); }},
        {"stop", "", "pause the guest",
         [this](Args) {
             machine_or_throw().stop();
             running_ = false;
             return std::string();
         }},
        {"cont", "", "resume the guest (also 'c')",
         [this](Args) {
             machine_or_throw().start();
             running_ = true;
             return std::string();
         }},
        {"system_reset", "", "reset the machine",
         [this](Args) {
             machine_or_throw().request_reset();
             return std::string();
         }},
        {"system_powerdown", "", "press the machine's power button",
         [this](Args) {
             if (!machine_or_throw().press_power_button()) return std::string("this machine has no power button\n");
             return std::string();
         }},
        {"set_link", "NAME on|off", "plug or unplug the cable of a netdev or NIC (by id)",
         [this](Args args) { return set_link(args); }},
        {"quit", "", "end emu (also 'q')",
         [this](Args) {
             machine_or_throw().request_shutdown(0);
             return std::string();
         }},
    };
    return commands_;
}

std::string Monitor::execute(const std::string& line) {
    std::vector<std::string> words = split_words(line);
    if (words.empty()) return {};
    std::string name = words.front();
    if (name == "?") name = "help";
    if (name == "c") name = "cont";
    if (name == "q") name = "quit";
    words.erase(words.begin());
    for (const Command& command : commands()) {
        if (name != command.name) continue;
        try {
            return command.run(words);
        } catch (const Error& e) {
            return std::string(e.what()) + "\n";
        }
    }
    return "unknown command: '" + name + "' (type 'help')\n";
}

std::string Monitor::info(const std::vector<std::string>& args) {
    const std::string what = args.empty() ? "" : args.front();
    if (what == "status") return std::string("VM status: ") + (running_ ? "running" : "paused") + "\n";
    if (what == "version") return std::string(version()) + "\n";
    if (what == "network") return info_network();
    return "info: expected status, network or version\n";
}

std::string Monitor::info_network() {
    std::string out;
    const Object* folder = root().child("netdev");
    if (folder) {
        for (const auto& child : folder->children()) {
            const auto* backend = dynamic_cast<const NetBackend*>(child.get());
            if (!backend) continue;
            out += child->id() + ": " + child->type().name() + (backend->link_up() ? "" : " (link down)");
            if (const NetClient* peer = backend->peer()) out += " <-> " + peer->net_name();
            const NetClient::Stats& s = backend->stats();
            out += "\n    to guest " + std::to_string(s.sent_frames) + " frames, from guest " +
                   std::to_string(s.received_frames) + " frames, dropped " + std::to_string(s.dropped) + "\n";
        }
    }
    return out.empty() ? "no network back ends\n" : out;
}

std::string Monitor::set_link(const std::vector<std::string>& args) {
    if (args.size() != 2 || (args[1] != "on" && args[1] != "off")) return "usage: set_link NAME on|off\n";
    const bool up = args[1] == "on";
    const Object* folder = root().child("netdev");
    if (folder) {
        for (const auto& child : folder->children()) {
            auto* backend = dynamic_cast<NetBackend*>(child.get());
            if (!backend) continue;
            const Device* nic = backend->frontend();
            if (child->id() == args[0] || (nic && nic->id() == args[0])) {
                backend->set_link_up(up);
                return {};
            }
        }
    }
    return "no netdev or NIC with id '" + args[0] + "'\n";
}

void register_monitor_type(TypeRegistry& registry) {
    TypeBatch batch;
    batch.add({.name = "monitor",
               .parent = "device",
               .user_creatable = false,
               .description = "the human monitor (-monitor, C-a c)",
               .factory = factory_of<Monitor>()});
    registry.register_batch(batch, "core");
}

}  // namespace emu
