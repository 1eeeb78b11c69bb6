#include "run.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cstring>
#include <iostream>
#include <map>

#include "emu/cpu.h"
#include "emu/device.h"
#include "emu/error.h"
#include "emu/event_loop.h"
#include "emu/chardev.h"
#include "emu/machine.h"
#include "emu/net.h"
#include "emu/pci.h"
#include "emu/property.h"
#include "emu/version.h"
#include "gdbstub.h"
#include "help.h"
#include "keyval.h"
#include "monitor.h"
#include "options.h"
#include "plugin_loader.h"
#include "serial.h"

namespace emu::cli {

namespace {

void check_readable_file(const char* option, const std::optional<std::string>& file) {
    if (!file) return;
    struct stat st {};
    if (::stat(file->c_str(), &st) != 0)
        throw Error(std::string(option) + " " + *file + ": " + std::strerror(errno));
    if (S_ISDIR(st.st_mode)) throw Error(std::string(option) + " " + *file + ": is a directory");
    if (::access(file->c_str(), R_OK) != 0)
        throw Error(std::string(option) + " " + *file + ": " + std::strerror(errno));
}

// -initrd is one file, or for a Multiboot kernel a list of modules "FILE ARGS,FILE ARGS" (",,"
// is a literal comma): each module's file must be readable. A whole text that names a file is
// that file, whatever it contains.
void check_initrd(const std::optional<std::string>& initrd) {
    if (!initrd || ::access(initrd->c_str(), F_OK) == 0) return check_readable_file("-initrd", initrd);
    std::string item;
    auto check_item = [&] {
        const std::string file = item.substr(0, item.find(' '));
        check_readable_file("-initrd", file);
        item.clear();
    };
    for (std::size_t i = 0; i < initrd->size(); ++i) {
        const char c = (*initrd)[i];
        if (c == ',' && i + 1 < initrd->size() && (*initrd)[i + 1] == ',') {
            item += ',';
            ++i;
        } else if (c == ',') {
            check_item();
        } else {
            item += c;
        }
    }
    check_item();
}

unsigned parse_smp(const std::string& text) {
    auto kv = parse_keyval(text, "cpus");
    std::optional<std::string> cpus = kv.take("cpus");
    if (!kv.items.empty())
        throw Error("-smp " + text + ": unknown item '" + kv.items.front().first + "'");
    if (!cpus) throw Error("-smp " + text + ": no CPU count given");
    try {
        return static_cast<unsigned>(parse_uint(*cpus, 1, 4096));
    } catch (const Error& e) {
        throw Error("-smp " + text + ": '" + *cpus + "' " + e.what() + " (need at least 1 CPU)");
    }
}

// -boot [order=]DRIVES[,menu=on|off], as QEMU: drive letters a-p, at most one of each.
void parse_boot(const std::string& text, MachineConfig& c) {
    auto kv = parse_keyval(text, "order");
    if (auto order = kv.take("order")) {
        for (std::size_t i = 0; i < order->size(); ++i) {
            const char drive = (*order)[i];
            if (drive < 'a' || drive > 'p')
                throw Error("-boot " + text + ": invalid boot device '" + std::string(1, drive) + "' (a, c, d, n, ...)");
            if (order->find(drive) != i)
                throw Error("-boot " + text + ": boot device '" + std::string(1, drive) + "' given twice");
        }
        c.boot_order = *order;
    }
    if (auto menu = kv.take("menu")) {
        if (*menu != "on" && *menu != "off") throw Error("-boot " + text + ": menu must be on or off");
        c.boot_menu = *menu == "on";
    }
    if (!kv.items.empty()) throw Error("-boot " + text + ": unknown item '" + kv.items.front().first + "'");
}

// Look up a user-creatable type of a given base, with errors that say where to look.
const Type& user_type(const TypeRegistry& registry, std::string_view name, std::string_view base,
                      std::string_view what, std::string_view help_hint) {
    const Type* type = registry.find(name);
    if (!type)
        throw Error("no " + std::string(what) + " '" + std::string(name) + "'" +
                    registry.missing_provider_note(name) + " (" + std::string(help_hint) + ")");
    if (base == "device" && type->is_a("backend") && !type->abstract()) {
        const std::string option = type->is_a("netdev") ? "-netdev" : type->is_a("chardev") ? "-chardev" : "";
        throw Error("'" + std::string(name) + "' is a back end, not a device" +
                    (option.empty() ? std::string() : " (use " + option + ")"));
    }
    if (!type->is_a(base) || type->abstract() || type->is_interface() || !type->user_creatable())
        throw Error("'" + std::string(name) + "' is not a " + std::string(what) + " (" +
                    std::string(help_hint) + ")");
    return *type;
}

void set_properties(Object& object, const KeyValues& kv) {
    for (auto& [key, value] : kv.items) {
        const Property* p = object.find_property(key);
        if (p && p->hidden) throw Error(object.display_name() + ": no property '" + key + "'");
        object.set_property(key, value);
    }
}

class Emulator {
public:
    Emulator(const Options& options, TypeRegistry& registry) : options_(options), registry_(registry) {}
    int run();

private:
    MachineConfig machine_config() const;
    void create_serials();
    void choose_accel();
    void create_machine();
    void create_backend(std::string_view kind, const std::string& text);
    Device& create_device(const std::string& text);
    void create_nic(const std::string& text, unsigned index);
    void realize_onboard_nic(Device& nic);
    void claim_onboard_nic();
    void create_object(const std::string& text);
    void check_netdevs_used() const;
    void create_monitor();

    const Options& options_;
    TypeRegistry& registry_;
    EventLoop loop_;
    std::unique_ptr<Object> root_;
    std::unique_ptr<GdbStub> gdb_;  // -gdb/-s
    Machine* machine_ = nullptr;
    std::vector<std::string> serial_ids_;
    KeyValues accel_;         // -accel NAME,prop=value... (head: the name; empty: the board's default)
    std::string accel_text_;  // how errors name it
    std::string debugcon_id_;     // -debugcon's chardev
    std::string console_mux_id_;  // the stdio chardev the monitor shares by default (C-a c)
};

MachineConfig Emulator::machine_config() const {
    MachineConfig c;
    if (options_.memory) {
        try {
            c.ram_size = parse_size(*options_.memory, 1ull << 20);
        } catch (const Error& e) {
            throw Error("-m " + *options_.memory + ": '" + *options_.memory + "' " + e.what());
        }
        if (c.ram_size == 0) throw Error("-m " + *options_.memory + ": RAM size must be more than 0");
    }
    if (options_.smp) c.smp_cpus = parse_smp(*options_.smp);
    c.cpu_model = options_.cpu.value_or("");
    c.accel = accel_.head;
    check_readable_file("-kernel", options_.kernel);
    check_initrd(options_.initrd);
    check_readable_file("-dtb", options_.dtb);
    check_readable_file("-bios", options_.bios);
    c.kernel = options_.kernel.value_or("");
    c.initrd = options_.initrd.value_or("");
    c.append = options_.append.value_or("");
    c.dtb = options_.dtb.value_or("");
    c.bios = options_.bios.value_or("");
    c.serial = serial_ids_;
    c.debugcon = debugcon_id_;
    if (options_.boot) parse_boot(*options_.boot, c);
    c.trace = options_.trace.value_or("");
    c.trace_file = options_.trace_file.value_or("");
    c.gdb = options_.gdb ? *options_.gdb : options_.gdb_default ? "tcp::1234" : "";
    c.nographic = options_.nographic;
    c.no_reboot = options_.no_reboot;
    // The qtest accelerator runs no CPU: like -S, the board needs no guest code to run.
    c.start_paused = options_.start_paused || accel_.head == "qtest";
    if (options_.display && *options_.display != "none")
        throw Error("-display " + *options_.display + ": only 'none' is supported");
    if ((options_.initrd || options_.append || options_.dtb) && !options_.kernel)
        throw Error("-initrd, -append and -dtb need -kernel");
    return c;
}

void Emulator::create_machine() {
    if (!options_.machine) throw Error("no machine given: choose one with -M (-M help lists them)");
    KeyValues kv = parse_keyval(*options_.machine, "type");
    std::string name = kv.take("type").value_or("");
    const Type& type = user_type(registry_, name, "machine", "machine", "-M help lists them");
    auto object = registry_.create(type.name());
    auto* machine = object->as<Machine>();
    root_->add_child("machine", std::move(object));
    set_properties(*machine, kv);
    MachineConfig config = machine_config();
    if (config.ram_size == 0) config.ram_size = machine->default_ram_size();
    if (config.smp_cpus > machine->max_cpus())
        throw Error("-smp " + std::to_string(config.smp_cpus) + ": machine '" + type.name() +
                    "' supports at most " + std::to_string(machine->max_cpus()) + " CPU" +
                    (machine->max_cpus() == 1 ? "" : "s"));
    const std::string accel = config.accel.empty() ? machine->default_accel() : config.accel;
    machine->attach(loop_, std::move(config));
    machine_ = machine;
    if (!accel.empty()) {
        const Type& accel_type = user_type(registry_, accel, "accel", "accelerator", "-accel help lists them");
        auto& accelerator = dynamic_cast<Accelerator&>(root_->add_child("accel", registry_.create(accel_type.name())));
        try {
            set_properties(accelerator, accel_);
        } catch (const Error& e) {
            throw Error(accel_text_ + ": " + e.what());
        }
        accelerator.init(*machine);
        machine->set_accelerator(&accelerator);
    }
    machine->init();
}

void Emulator::create_backend(std::string_view kind, const std::string& text) {
    const std::string option = "-" + std::string(kind) + " " + text;
    KeyValues kv = parse_keyval(text, "type");
    std::string backend = kv.take("type").value_or("");
    std::optional<std::string> id = kv.take("id");
    if (backend.empty()) throw Error(option + ": no back end type given");
    if (!id || id->empty()) throw Error(option + ": an id= is required");
    const std::string type_name = std::string(kind) + "-" + backend;
    if (!registry_.find(type_name))
        throw Error(option + ": no " + std::string(kind) + " back end '" + backend + "' (-" +
                    std::string(kind) + " help lists them)");
    const Type& type = user_type(registry_, type_name, kind, std::string(kind) + " back end",
                                 "-" + std::string(kind) + " help lists them");
    Object& folder = root_->container(kind);
    if (folder.child(*id)) throw Error(option + ": duplicate " + std::string(kind) + " id '" + *id + "'");
    Object& object = folder.add_child(*id, registry_.create(type.name()));
    set_properties(object, kv);
    if (auto* device = object.as<Device>()) device->realize();
}

Device& Emulator::create_device(const std::string& text) {
    KeyValues kv = parse_keyval(text);
    const Type& type = user_type(registry_, kv.head, "device", "device type", "-device help lists them");
    std::optional<std::string> id = kv.take("id");
    Object& machine = *root_->child("machine");
    Object* parent;
    std::string name;
    if (id) {
        parent = &machine.container("peripheral");
        if (id->empty() || parent->child(*id)) throw Error("-device " + text + ": duplicate or empty id '" + *id + "'");
        name = *id;
    } else {
        parent = &machine.container("peripheral-anon");
        name = parent->unique_child_name("device");
    }
    auto& device = dynamic_cast<Device&>(parent->add_child(name, registry_.create(type.name())));
    set_properties(device, kv);
    try {
        device.realize();
    } catch (const Error& e) {
        if (type.is_a("pci-device") && !find_pci_bus(*machine_))
            throw Error(type.name() + " is a PCI device, and this machine (" + machine_->type().name() +
                        ") has no PCI bus");
        throw Error(device.display_name() + ": " + e.what());
    }
    return device;
}

// -nic BACKEND[,model=M][,mac=..][,other back end options]: a back end plus its NIC.
void Emulator::create_nic(const std::string& text, unsigned index) {
    KeyValues kv = parse_keyval(text, "type");
    std::string backend = kv.take("type").value_or("user");
    if (backend == "none") return;  // -nic none: no NIC at all
    std::optional<std::string> model = kv.take("model");
    std::optional<std::string> mac = kv.take("mac");
    std::string id = "__nic" + std::to_string(index);
    std::string netdev = backend + ",id=" + id;
    for (auto& [k, v] : kv.items) netdev += "," + k + "=" + v;
    // The board's own NIC takes the first -nic that names no model (or its type).
    if (Device* onboard = machine_->onboard_nic(); onboard && (!model || *model == onboard->type().name())) {
        if (onboard->realized())
            throw Error("-nic " + text + ": the board's on-board " + onboard->type().name() +
                        " is taken by an earlier -nic; give model= for another NIC");
        create_backend("netdev", netdev);
        onboard->set_property("netdev", id);
        if (mac) onboard->set_property("mac", *mac);
        realize_onboard_nic(*onboard);
        return;
    }
    if (!model) model = machine_->default_nic_model();
    if (model->empty()) throw Error("-nic " + text + ": this machine has no default NIC; give model=");
    create_backend("netdev", netdev);
    create_device(*model + ",netdev=" + id + (mac ? ",mac=" + *mac : ""));
}

void Emulator::realize_onboard_nic(Device& nic) {
    try {
        nic.realize();
    } catch (const Error& e) {
        throw Error(nic.display_name() + ": " + e.what());
    }
}

// After the -devices: an on-board NIC no -nic took is connected to the first -netdev that no
// -device uses (QEMU's nd_table[0] is filled from either), then realized in any case.
void Emulator::claim_onboard_nic() {
    Device* onboard = machine_->onboard_nic();
    if (!onboard || onboard->realized()) return;
    if (const Object* folder = root_->child("netdev"))
        for (const auto& child : folder->children()) {
            const auto* backend = dynamic_cast<const NetBackend*>(child.get());
            if (backend && !backend->peer()) {
                onboard->set_property("netdev", child->id());
                break;
            }
        }
    realize_onboard_nic(*onboard);
}

// -object TYPE,id=ID,...: objects that implement "user-creatable" (filters such as filter-dump),
// at /objects/<id>, created after the back ends they may refer to.
void Emulator::create_object(const std::string& text) {
    KeyValues kv = parse_keyval(text, "type");
    const std::string option = "-object " + text;
    std::string type_name = kv.take("type").value_or("");
    std::optional<std::string> id = kv.take("id");
    if (type_name.empty()) throw Error(option + ": no object type given");
    if (!id || id->empty()) throw Error(option + ": an id= is required");
    const Type* type = registry_.find(type_name);
    if (!type || type->abstract() || !type->is_a("user-creatable"))
        throw Error(option + ": no object type '" + type_name + "'" + registry_.missing_provider_note(type_name));
    Object& folder = root_->container("objects");
    if (folder.child(*id)) throw Error(option + ": duplicate object id '" + *id + "'");
    Object& object = folder.add_child(*id, registry_.create(type_name));
    set_properties(object, kv);
    if (auto* device = object.as<Device>()) device->realize();
}

// As the issue of every NIC says: a back end that no NIC uses is a mistake, not a silent no-op.
void Emulator::check_netdevs_used() const {
    const Object* folder = root_->child("netdev");
    if (!folder) return;
    for (const auto& child : folder->children()) {
        const auto* backend = dynamic_cast<const NetBackend*>(child.get());
        if (backend && !backend->peer())
            throw Error("-netdev " + child->id() + ": no NIC uses this back end (add e.g. -device e1000,netdev=" +
                        child->id() + ")");
    }
}

// -monitor DEV, or by default the monitor multiplexed on the stdio console (C-a c).
void Emulator::create_monitor() {
    std::string chardev_id = console_mux_id_;
    bool mux = true;
    if (options_.monitor) {
        if (*options_.monitor == "none") return;
        if (*options_.monitor == "stdio" && !console_mux_id_.empty()) {
            chardev_id = console_mux_id_;  // the console is stdio already: share it
        } else {
            SerialTarget target = parse_serial(*options_.monitor, "monitor0");
            if (!target.chardev_spec) {
                if (target.id.empty()) return;
                chardev_id = target.id;  // chardev:ID
            } else {
                create_backend("chardev", *target.chardev_spec);
                chardev_id = target.id;
            }
            mux = false;
        }
    }
    if (chardev_id.empty() || !registry_.find("monitor")) return;
    Object* folder = root_->child("chardev");
    auto* chardev = folder ? dynamic_cast<CharBackend*>(folder->child(chardev_id)) : nullptr;
    if (!chardev) throw Error("-monitor: no chardev '" + chardev_id + "'");
    auto& monitor = dynamic_cast<Monitor&>(root_->add_child("monitor", registry_.create("monitor")));
    monitor.set_chardev(chardev, mux);
    monitor.realize();
}

// -serial: each becomes a chardev (serial0, serial1, ...) whose id the machine's UARTs use.
// Without -serial the first UART goes to stdio, when a stdio back end is available.
void Emulator::create_serials() {
    std::vector<std::string> specs = options_.serials;
    const bool implicit = specs.empty();
    if (implicit) {
        if (!registry_.find("chardev-stdio") || options_.qtest == "stdio") return;
        specs.push_back("stdio");
    }
    for (std::size_t i = 0; i < specs.size(); ++i) {
        SerialTarget target = parse_serial(specs[i], "serial" + std::to_string(i));
        if (target.chardev_spec) create_backend("chardev", *target.chardev_spec);
        // As QEMU's -nographic and mon:stdio: the monitor shares the console (emu has no
        // display, so its implicit console is -nographic's). An explicit -serial stdio does not.
        if (i == 0 && target.chardev_spec && (implicit || specs[i] == "mon:stdio")) console_mux_id_ = target.id;
        serial_ids_.push_back(target.id);
    }
    // -debugcon takes the same forms (QEMU: a chardev spec); the board wires its isa-debugcon.
    if (options_.debugcon) {
        SerialTarget target = parse_serial(*options_.debugcon, "debugcon");
        if (target.chardev_spec) create_backend("chardev", *target.chardev_spec);
        debugcon_id_ = target.id;
    }
}

// -accel NAME[,prop=value...]: the properties are set before the accelerator's init(). -qtest DEV
// (QEMU's) selects the qtest accelerator and connects its protocol to a chardev made from DEV.
void Emulator::choose_accel() {
    if (options_.accel) {
        accel_ = parse_keyval(*options_.accel);
        accel_text_ = "-accel " + *options_.accel;
    }
    if (!options_.qtest) {
        if (options_.qtest_log) throw Error("-qtest-log needs -qtest");
        return;
    }
    if (!accel_.head.empty() && accel_.head != "qtest")
        throw Error("-qtest uses the qtest accelerator; it cannot be combined with -accel " + accel_.head);
    accel_.head = "qtest";
    if (accel_text_.empty()) accel_text_ = "-qtest " + *options_.qtest;
    // The protocol is not a console: no C-a escapes on stdio.
    SerialTarget target;
    try {
        target = *options_.qtest == "stdio" ? SerialTarget{"stdio,id=qtest,escapes=off", "qtest"}
                                            : parse_serial(*options_.qtest, "qtest");
    } catch (const Error&) {
        throw Error("-qtest " + *options_.qtest + ": unknown device (use unix:PATH, tcp:HOST:PORT, stdio or chardev:ID)");
    }
    if (target.id.empty()) throw Error("-qtest none: the protocol needs a device (use unix:PATH, tcp:HOST:PORT or stdio)");
    if (target.chardev_spec) create_backend("chardev", *target.chardev_spec);
    accel_.items.emplace_back("chardev", target.id);
    if (options_.qtest_log) accel_.items.emplace_back("log", *options_.qtest_log);
}

int Emulator::run() {
    root_ = registry_.create("container");
    for (const std::string& chardev : options_.chardevs) create_backend("chardev", chardev);
    choose_accel();
    create_serials();
    create_machine();
    for (const std::string& netdev : options_.netdevs) create_backend("netdev", netdev);
    unsigned nic_index = 0;
    for (const std::string& nic : options_.nics) create_nic(nic, nic_index++);
    for (const std::string& object : options_.objects) create_object(object);
    for (const std::string& device : options_.devices) create_device(device);
    claim_onboard_nic();
    check_netdevs_used();
    create_monitor();

    if (const std::string& gdb = machine_->config().gdb; !gdb.empty() && gdb != "none")
        gdb_ = std::make_unique<GdbStub>(*machine_, gdb);

    loop_.quit_on_signals();
    if (!machine_->config().start_paused) machine_->start();
    loop_.run();
    machine_->stop();
    if (Accelerator* accelerator = machine_->accelerator()) accelerator->shutdown();
    if (int sig = loop_.quit_signal())
        std::cerr << "emu: terminating on signal " << sig << " (" << strsignal(sig) << ")\n";
    const int status = machine_->shutdown_status().value_or(0);
    if (gdb_ && machine_->shutdown_status()) gdb_->report_exit(status);
    gdb_.reset();
    unrealize_tree(*root_);
    root_.reset();
    return status;
}

}  // namespace

int run(int argc, const char* const* argv) {
    try {
        Options options = parse_options(argc, argv);
        if (options.help) {
            std::cout << usage_text();
            return 0;
        }
        if (options.version) {
            std::cout << "emu version " << version() << " (plugin ABI " << kPluginAbiVersion << ")\n";
            return 0;
        }
        TypeRegistry& registry = TypeRegistry::global();
        PluginLoader loader(registry);
        const auto search_path = PluginLoader::search_path(options.plugin_dirs);
        loader.load_path(search_path);
        if (options.list_plugins) {
            print_plugins(loader, registry, search_path, options.json, std::cout);
            return 0;
        }
        for (const std::string& line : loader.failures()) std::cerr << "emu: warning: " << line << "\n";

        if (options.machine) {
            KeyValues kv = parse_keyval(*options.machine, "type");
            if (kv.help) {
                if (auto type = kv.find("type")) {
                    print_properties(user_type(registry, *type, "machine", "machine", "-M help lists them"),
                                     std::cout);
                } else {
                    print_machines(registry, std::cout);
                }
                return 0;
            }
        }
        for (const std::string& device : options.devices) {
            KeyValues kv = parse_keyval(device);
            if (!kv.help) continue;
            if (kv.head.empty())
                print_devices(registry, std::cout);
            else
                print_properties(user_type(registry, kv.head, "device", "device type", "-device help lists them"),
                                 std::cout);
            return 0;
        }
        if (options.cpu && (*options.cpu == "help" || *options.cpu == "?")) {
            print_types(registry, "cpu", "Available CPUs", std::cout);
            return 0;
        }
        if (options.accel) {
            KeyValues kv = parse_keyval(*options.accel);
            if (kv.help) {
                if (kv.head.empty())
                    print_types(registry, "accel", "Accelerators supported", std::cout);
                else
                    print_properties(user_type(registry, kv.head, "accel", "accelerator", "-accel help lists them"),
                                     std::cout);
                return 0;
            }
        }
        for (auto [kind, list] : {std::pair{"netdev", &options.netdevs}, std::pair{"chardev", &options.chardevs}}) {
            for (const std::string& item : *list) {
                KeyValues kv = parse_keyval(item, "type");
                if (!kv.help) continue;
                if (auto backend = kv.find("type")) {
                    const std::string type_name = std::string(kind) + "-" + *backend;
                    if (!registry.find(type_name))
                        throw Error("-" + std::string(kind) + " " + item + ": no " + kind + " back end '" +
                                    *backend + "' (-" + kind + " help lists them)");
                    print_properties(registry.get(type_name), std::cout);
                } else {
                    print_types(registry, kind, std::string("Available ") + kind + " back ends", std::cout);
                }
                return 0;
            }
        }
        Emulator emulator(options, registry);
        return emulator.run();
    } catch (const std::exception& e) {
        std::cerr << "emu: " << e.what() << "\n";
        return 1;
    }
}

}  // namespace emu::cli
