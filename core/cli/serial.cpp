#include "serial.h"

#include "emu/error.h"

namespace emu::cli {

namespace {

bool starts_with(const std::string& s, const char* prefix) { return s.rfind(prefix, 0) == 0; }

// ",server,nowait" style flags after the address become socket options.
std::string socket_flags(const std::string& flags) {
    std::string out;
    std::size_t pos = 0;
    while (pos < flags.size()) {
        std::size_t comma = flags.find(',', pos);
        std::string flag = flags.substr(pos, comma == std::string::npos ? std::string::npos : comma - pos);
        if (flag == "server")
            out += ",server=on";
        else if (flag == "nowait")
            out += ",wait=off";
        else if (!flag.empty())
            out += "," + flag;
        if (comma == std::string::npos) break;
        pos = comma + 1;
    }
    return out;
}

}  // namespace

SerialTarget parse_serial(const std::string& spec, const std::string& id) {
    if (spec == "none") return {std::nullopt, ""};
    if (starts_with(spec, "chardev:")) return {std::nullopt, spec.substr(8)};
    if (spec == "stdio") return {"stdio,id=" + id, id};
    // QEMU's mon:stdio multiplexes the monitor; emu has none, but keeps its Ctrl-C semantics:
    // the key goes to the guest.
    if (spec == "mon:stdio") return {"stdio,id=" + id + ",signal=off", id};
    if (spec == "null" || spec == "pty") return {spec + ",id=" + id, id};
    if (starts_with(spec, "file:")) return {"file,id=" + id + ",path=" + spec.substr(5), id};
    if (starts_with(spec, "unix:")) {
        std::string rest = spec.substr(5);
        std::size_t comma = rest.find(',');
        std::string path = rest.substr(0, comma);
        return {"socket,id=" + id + ",path=" + path +
                    (comma == std::string::npos ? "" : socket_flags(rest.substr(comma + 1))),
                id};
    }
    if (starts_with(spec, "tcp:")) {
        std::string rest = spec.substr(4);
        std::size_t comma = rest.find(',');
        std::string address = rest.substr(0, comma);
        std::size_t colon = address.rfind(':');
        if (colon == std::string::npos) throw Error("-serial " + spec + ": expected tcp:HOST:PORT");
        std::string host = address.substr(0, colon);
        const bool server = rest.find(",server") != std::string::npos;
        // tcp::PORT: a server listens on every address (as QEMU), a client goes to this host.
        if (host.empty()) host = server ? "0.0.0.0" : "127.0.0.1";
        return {"socket,id=" + id + ",host=" + host +
                    ",port=" + address.substr(colon + 1) +
                    (comma == std::string::npos ? "" : socket_flags(rest.substr(comma + 1))),
                id};
    }
    throw Error("-serial " + spec + ": unknown serial device (use stdio, null, file:F, pty, tcp:H:P, "
                "unix:PATH, chardev:ID or none)");
}

}  // namespace emu::cli
