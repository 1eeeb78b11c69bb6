#include "options.h"

#include <map>
#include <sstream>

#include <boost/program_options.hpp>

#include "emu/error.h"

namespace po = boost::program_options;

namespace emu::cli {

const std::vector<OptionSpec>& option_table() {
    using A = OptionArity;
    static const std::vector<OptionSpec> table = {
        {"machine", "M", A::One, "NAME[,prop=value...]", "select the machine (-M help lists them)", "Machine"},
        {"m", nullptr, A::One, "SIZE", "guest RAM size (MiB unless suffixed: 512M, 2G)", "Machine"},
        {"smp", nullptr, A::One, "N", "number of CPUs", "Machine"},
        {"cpu", nullptr, A::One, "MODEL", "CPU model (-cpu help lists them)", "Machine"},
        {"accel", nullptr, A::One, "NAME[,prop=value...]", "accelerator (-accel help, -accel NAME,help)", "Machine"},
        {"device", nullptr, A::Repeated, "TYPE[,prop=value...]", "add a device (-device help, -device TYPE,help)", "Devices"},
        {"netdev", nullptr, A::Repeated, "TYPE,id=ID[,...]", "add a network back end", "Devices"},
        {"nic", nullptr, A::Repeated, "[TYPE][,model=NIC][,...]", "add a NIC and its back end in one go", "Devices"},
        {"chardev", nullptr, A::Repeated, "TYPE,id=ID[,...]", "add a character back end", "Devices"},
        {"object", nullptr, A::Repeated, "TYPE,id=ID[,...]", "add an object, e.g. filter-dump,id=f0,netdev=n0,file=F.pcap", "Devices"},
        {"serial", nullptr, A::Repeated, "DEV", "connect the next serial port to DEV (stdio, file:F, null, ...)", "Devices"},
        {"monitor", nullptr, A::One, "DEV", "the monitor on DEV (stdio, unix:PATH,server,nowait, tcp:H:P,server, none); default: C-a c on the console", "Devices"},
        {"debugcon", nullptr, A::One, "DEV", "connect the debug console port to DEV", "Devices"},
        {"kernel", nullptr, A::One, "FILE", "boot this kernel directly", "Boot"},
        {"initrd", nullptr, A::One, "FILE", "initial RAM disk for -kernel", "Boot"},
        {"append", nullptr, A::One, "CMDLINE", "kernel command line for -kernel", "Boot"},
        {"dtb", nullptr, A::One, "FILE", "device tree blob for -kernel", "Boot"},
        {"bios", nullptr, A::One, "FILE", "firmware image", "Boot"},
        {"boot", nullptr, A::One, "[order=]DRIVES[,menu=on|off]", "firmware boot order (x86: a floppy, c disk, d CD-ROM, n network)", "Boot"},
        {"nographic", nullptr, A::Flag, nullptr, "no display; serial and monitor on the terminal", "Display"},
        {"display", nullptr, A::One, "TYPE", "display back end (only 'none')", "Display"},
        {"S", nullptr, A::Flag, nullptr, "do not start the CPUs at start-up", "Run control"},
        {"no-reboot", nullptr, A::Flag, nullptr, "exit instead of rebooting", "Run control"},
        {"d", nullptr, A::One, "ITEM[,...]", "enable trace items (in_asm, int, exec)", "Debugging"},
        {"D", nullptr, A::One, "FILE", "write trace output to FILE", "Debugging"},
        {"s", nullptr, A::Flag, nullptr, "shorthand for -gdb tcp::1234", "Debugging"},
        {"gdb", nullptr, A::One, "DEV", "gdb remote stub on DEV (tcp::PORT or tcp:HOST:PORT)", "Debugging"},
        {"qtest", nullptr, A::One, "DEV", "device tests driven over DEV (unix:PATH, tcp:H:P, stdio); no CPU runs (-accel qtest)", "Debugging"},
        {"qtest-log", nullptr, A::One, "FILE", "log the -qtest protocol to FILE", "Debugging"},
        {"plugin-dir", nullptr, A::Repeated, "DIR", "search DIR for plugins first (repeatable)", "Plugins"},
        {"list-plugins", nullptr, A::Flag, nullptr, "list plugins, their types and any that failed to load", "Plugins"},
        {"json", nullptr, A::Flag, nullptr, "with --list-plugins: print JSON", "Plugins"},
        {"version", nullptr, A::Flag, nullptr, "print the version and exit", "Information"},
        {"help", "h", A::Flag, nullptr, "print this help and exit", "Information"},
    };
    return table;
}

namespace {

po::options_description make_description() {
    po::options_description desc;
    for (const OptionSpec& spec : option_table()) {
        std::string names = spec.name;
        if (spec.alias) names += std::string(",") + spec.alias;
        switch (spec.arity) {
        case OptionArity::Flag:  // may be repeated, as in QEMU
            desc.add_options()(names.c_str(),
                               po::value<std::vector<std::string>>()->zero_tokens()->composing(), spec.help);
            break;
        case OptionArity::One:
            desc.add_options()(names.c_str(), po::value<std::vector<std::string>>(), spec.help);
            break;
        case OptionArity::Repeated:
            desc.add_options()(names.c_str(), po::value<std::vector<std::string>>()->composing(),
                               spec.help);
            break;
        }
    }
    return desc;
}

}  // namespace

namespace {

// QEMU takes "--name" for "-name" for every option (--M, --h too); Boost would look for a
// long option called "M". Rewrite option tokens (not their values) to one dash.
std::vector<std::string> single_dash(int argc, const char* const* argv) {
    std::vector<std::string> args(argv, argv + argc);
    for (std::size_t i = 1; i < args.size(); ++i) {
        std::string& token = args[i];
        if (token.size() < 2 || token[0] != '-') continue;
        if (token.rfind("--", 0) == 0 && token.size() > 2) token.erase(0, 1);
        const std::string name = token.substr(1, token.find('=') - 1);
        for (const OptionSpec& spec : option_table())
            if ((name == spec.name || (spec.alias && name == spec.alias)) && spec.arity != OptionArity::Flag &&
                token.find('=') == std::string::npos)
                ++i;  // the next token is this option's value, whatever it looks like
    }
    return args;
}

}  // namespace

Options parse_options(int argc, const char* const* argv) {
    const po::options_description desc = make_description();
    const std::vector<std::string> args = single_dash(argc, argv);
    std::vector<const char*> arg_pointers;
    for (const std::string& a : args) arg_pointers.push_back(a.c_str());
    argc = static_cast<int>(arg_pointers.size());
    argv = arg_pointers.data();
    po::variables_map vm;
    try {
        // QEMU style: long options with one dash (-machine, -nographic), no prefix guessing.
        const int style = (po::command_line_style::unix_style |
                           po::command_line_style::allow_long_disguise) &
                          ~po::command_line_style::allow_guessing &
                          ~po::command_line_style::allow_sticky;
        auto parsed = po::command_line_parser(argc, argv).options(desc).style(style).run();
        for (const auto& option : parsed.options)
            if (option.position_key >= 0 || option.unregistered)
                throw Error("unexpected argument '" + option.original_tokens.front() + "'");
        po::store(parsed, vm);
    } catch (const po::error& e) {
        // Boost spells every long option "--name"; emu's are typed "-name", as in QEMU.
        std::string message = e.what();
        for (std::size_t at; (at = message.find("'--")) != std::string::npos;) message.erase(at + 1, 1);
        throw Error(message);
    }
    auto one = [&](const char* name) -> std::optional<std::string> {
        if (!vm.count(name)) return std::nullopt;
        const auto& values = vm[name].as<std::vector<std::string>>();
        // QEMU lets a later single-valued option override an earlier one.
        return values.back();
    };
    auto many = [&](const char* name) {
        return vm.count(name) ? vm[name].as<std::vector<std::string>>() : std::vector<std::string>{};
    };
    Options o;
    o.machine = one("machine");
    o.memory = one("m");
    o.smp = one("smp");
    o.cpu = one("cpu");
    o.accel = one("accel");
    o.devices = many("device");
    o.netdevs = many("netdev");
    o.nics = many("nic");
    o.chardevs = many("chardev");
    o.objects = many("object");
    o.serials = many("serial");
    o.debugcon = one("debugcon");
    o.boot = one("boot");
    o.monitor = one("monitor");
    o.kernel = one("kernel");
    o.initrd = one("initrd");
    o.append = one("append");
    o.dtb = one("dtb");
    o.bios = one("bios");
    o.display = one("display");
    o.trace = one("d");
    o.trace_file = one("D");
    o.gdb = one("gdb");
    o.qtest = one("qtest");
    o.qtest_log = one("qtest-log");
    o.plugin_dirs = many("plugin-dir");
    o.nographic = vm.count("nographic");
    o.start_paused = vm.count("S");
    o.no_reboot = vm.count("no-reboot");
    o.gdb_default = vm.count("s");
    o.list_plugins = vm.count("list-plugins");
    o.json = vm.count("json");
    o.version = vm.count("version");
    o.help = vm.count("help");
    return o;
}

std::string usage_text() {
    std::ostringstream out;
    out << "Usage: emu [options]\n"
           "A plugin-based machine emulator. Options follow QEMU's conventions.\n";
    std::string section;
    for (const OptionSpec& spec : option_table()) {
        if (section != spec.section) {
            section = spec.section;
            out << "\n" << section << ":\n";
        }
        std::string left = std::string("  -") + spec.name;
        if (spec.alias) left += std::string(", -") + spec.alias;
        if (spec.argument) left += std::string(" ") + spec.argument;
        if (left.size() < 34)
            left.resize(34, ' ');
        else
            left += "\n" + std::string(34, ' ');
        out << left << spec.help << "\n";
    }
    out << "\nPlugins are searched in every -plugin-dir, then EMU_PLUGIN_PATH, then\n"
           "$XDG_DATA_HOME/emu/plugins, then the directory installed with emu.\n";
    return out.str();
}

}  // namespace emu::cli
