// The gdb stub's packets: one handler per command; each returns its reply payload ("" is the
// protocol's "not supported"). Errors use errno-like numbers as QEMU and gdbserver do:
// E14 (EFAULT) memory, E16 (EBUSY) guest running, E22 (EINVAL) malformed.
#include <algorithm>

#include "emu/cpu.h"
#include "emu/machine.h"
#include "emu/object.h"
#include "gdbstub.h"

namespace emu {

namespace {

constexpr std::string_view kBadPacket = "E22";
constexpr std::string_view kBadAddress = "E14";
constexpr std::string_view kGuestRunning = "E16";
// Memory and transfer replies are at most this many bytes of data.
constexpr std::size_t kMaxData = (gdb::kMaxPacket - 16) / 2;

bool starts_with(std::string_view text, std::string_view prefix) { return text.substr(0, prefix.size()) == prefix; }

struct AddressLength {
    std::uint64_t address = 0, length = 0;
};

// "ADDR,LENGTH"
std::optional<AddressLength> parse_address_length(std::string_view text) {
    const auto parts = gdb::split(text, ',');
    if (parts.size() != 2) return std::nullopt;
    const auto address = gdb::parse_hex_number(parts[0]);
    const auto length = gdb::parse_hex_number(parts[1]);
    if (!address || !length) return std::nullopt;
    return AddressLength{*address, *length};
}

}  // namespace

void GdbStub::handle_packet(std::string_view packet) {
    if (packet.empty()) {
        send_packet("");
        return;
    }
    const char command = packet[0];
    const std::string_view args = packet.substr(1);
    // While the guest runs only questions that do not touch a CPU are answered; c/s/vCont
    // are already answered by the coming stop reply.
    const bool needs_stopped =
        std::string_view("gGpPmMXZzsScC").find(command) != std::string_view::npos || starts_with(packet, "vCont;");
    if (running_ && needs_stopped) {
        if (command == 'c' || command == 'C' || command == 's' || command == 'S' || command == 'v') return;
        send_packet(kGuestRunning);
        return;
    }
    std::string reply;
    switch (command) {
    case '?':
        send_stop_reply();
        return;
    case 'g':
        reply = read_registers();
        break;
    case 'G':
        reply = write_registers(args);
        break;
    case 'p':
        reply = read_register(args);
        break;
    case 'P':
        reply = write_register(args);
        break;
    case 'm':
        reply = read_memory(args);
        break;
    case 'M':
        reply = write_memory(args, false);
        break;
    case 'X':
        reply = write_memory(args, true);
        break;
    case 'Z':
    case 'z':
        reply = change_breakpoint(args, command == 'Z');
        break;
    case 'c':
    case 's':
        reply = resume(command == 's' ? std::optional<unsigned>(step_thread_.value_or(current_)) : std::nullopt, args);
        if (reply.empty()) return;  // resumed: the stop reply comes later
        break;
    case 'C':
    case 'S': {  // the signal is not delivered: a machine has no signals
        const auto semicolon = args.find(';');
        const std::string_view address = semicolon == std::string_view::npos ? "" : args.substr(semicolon + 1);
        reply = resume(command == 'S' ? std::optional<unsigned>(step_thread_.value_or(current_)) : std::nullopt,
                       address);
        if (reply.empty()) return;
        break;
    }
    case 'H':
        reply = set_thread(args);
        break;
    case 'T':
        reply = thread_from_id(args) ? "OK" : std::string(kBadPacket);
        break;
    case 'D':
        send_packet("OK");
        forget_breakpoints();
        if (!running_) resume_guest();
        close_when_flushed_ = true;
        flush_output();
        return;
    case 'k':
        machine_.request_shutdown(0);
        return;  // no reply
    case 'q':
    case 'Q':
        reply = handle_query(packet);
        break;
    case 'v':
        if (packet == "vCont?") reply = "vCont;c;C;s;S";
        else if (starts_with(packet, "vCont;")) {
            reply = handle_vcont(packet.substr(6));
            if (reply.empty()) return;
        } else if (starts_with(packet, "vKill")) {
            send_packet("OK");
            machine_.request_shutdown(0);
            return;
        }
        break;
    default:
        break;  // unknown: empty reply
    }
    send_packet(reply);
}

std::string GdbStub::handle_query(std::string_view packet) {
    if (starts_with(packet, "qSupported"))
        return "PacketSize=4000;qXfer:features:read+;QStartNoAckMode+;vContSupported+";
    if (packet == "QStartNoAckMode") {
        no_ack_ = true;
        last_packet_.clear();
        return "OK";
    }
    if (packet == "qAttached" || starts_with(packet, "qAttached:")) return "1";  // attached to a machine
    if (packet == "qC") return "QC" + gdb::to_hex_number(current_ + 1);
    if (packet == "qfThreadInfo") {
        std::string reply = "m";
        for (unsigned i = 0; i < threads_.size(); ++i) reply += (i ? "," : "") + gdb::to_hex_number(i + 1);
        return reply;
    }
    if (packet == "qsThreadInfo") return "l";
    if (starts_with(packet, "qThreadExtraInfo,")) return thread_extra_info(packet.substr(17));
    if (starts_with(packet, "qXfer:features:read:")) return xfer_features(packet.substr(20));
    if (starts_with(packet, "qSymbol:")) return "OK";  // no symbols wanted
    return {};
}

std::string GdbStub::read_registers() {
    GdbTarget& target = current();
    std::string hex;
    std::vector<std::uint8_t> value;
    for (unsigned n = 0; n < target.gdb_register_count(); ++n) {
        const unsigned size = target.gdb_register_size(n);
        if (size == 0) continue;
        value.assign(size, 0);
        if (target.gdb_read_register(n, value)) hex += gdb::to_hex(value.data(), value.size());
        else hex.append(2 * size, 'x');  // unavailable
    }
    return hex;
}

// Registers in order, as 'g' gives them; a shorter packet writes only the registers it holds
// entirely.
std::string GdbStub::write_registers(std::string_view hex) {
    const auto bytes = gdb::from_hex(hex);
    if (!bytes) return std::string(kBadPacket);
    GdbTarget& target = current();
    std::span<const std::uint8_t> rest = *bytes;
    for (unsigned n = 0; n < target.gdb_register_count(); ++n) {
        const unsigned size = target.gdb_register_size(n);
        if (size == 0) continue;
        if (rest.size() < size) break;
        if (!target.gdb_write_register(n, rest.first(size))) return std::string(kBadPacket);
        rest = rest.subspan(size);
    }
    return "OK";
}

std::string GdbStub::read_register(std::string_view args) {
    const auto n = gdb::parse_hex_number(args);
    GdbTarget& target = current();
    if (!n || *n >= target.gdb_register_count() || target.gdb_register_size(static_cast<unsigned>(*n)) == 0)
        return std::string(kBadPacket);
    std::vector<std::uint8_t> value(target.gdb_register_size(static_cast<unsigned>(*n)));
    if (!target.gdb_read_register(static_cast<unsigned>(*n), value)) return std::string(2 * value.size(), 'x');
    return gdb::to_hex(value.data(), value.size());
}

std::string GdbStub::write_register(std::string_view args) {
    const auto equals = args.find('=');
    if (equals == std::string_view::npos) return std::string(kBadPacket);
    const auto n = gdb::parse_hex_number(args.substr(0, equals));
    const auto value = gdb::from_hex(args.substr(equals + 1));
    GdbTarget& target = current();
    if (!n || !value || *n >= target.gdb_register_count() ||
        value->size() != target.gdb_register_size(static_cast<unsigned>(*n)))
        return std::string(kBadPacket);
    return target.gdb_write_register(static_cast<unsigned>(*n), *value) ? "OK" : std::string(kBadPacket);
}

std::string GdbStub::read_memory(std::string_view args) {
    const auto range = parse_address_length(args);
    if (!range) return std::string(kBadPacket);
    // A shorter reply than asked is allowed; gdb asks again for the rest.
    std::vector<std::uint8_t> data(std::min<std::uint64_t>(range->length, kMaxData));
    if (!current().gdb_read_memory(range->address, data)) return std::string(kBadAddress);
    return gdb::to_hex(data.data(), data.size());
}

// M ADDR,LENGTH:HEX and X ADDR,LENGTH:BINARY
std::string GdbStub::write_memory(std::string_view args, bool binary) {
    const auto colon = args.find(':');
    if (colon == std::string_view::npos) return std::string(kBadPacket);
    const auto range = parse_address_length(args.substr(0, colon));
    const std::string_view encoded = args.substr(colon + 1);
    const auto data = binary ? gdb::unescape_binary(encoded) : gdb::from_hex(encoded);
    if (!range || !data || data->size() != range->length) return std::string(kBadPacket);
    if (data->empty()) return "OK";  // gdb probes X with a length of 0
    return current().gdb_write_memory(range->address, *data) ? "OK" : std::string(kBadAddress);
}

// Z/z TYPE,ADDR,KIND[;conditions]: breakpoints are per machine, so every vCPU gets them.
std::string GdbStub::change_breakpoint(std::string_view args, bool insert) {
    const auto parts = gdb::split(args.substr(0, args.find(';')), ',');
    if (parts.size() != 3) return std::string(kBadPacket);
    const auto type = gdb::parse_hex_number(parts[0]);
    const auto address = gdb::parse_hex_number(parts[1]);
    const auto kind = gdb::parse_hex_number(parts[2]);
    if (!type || !address || !kind) return std::string(kBadPacket);
    if (*type > 4) return {};
    const auto which = static_cast<GdbBreakpointType>(*type);
    for (Thread& thread : threads_) {
        if (!insert) {
            thread.target->gdb_remove_breakpoint(which, *address, *kind);
        } else if (!thread.target->gdb_insert_breakpoint(which, *address, *kind)) {
            for (Thread& done : threads_) {
                if (&done == &thread) break;
                done.target->gdb_remove_breakpoint(which, *address, *kind);
            }
            return {};  // this kind is not supported
        }
    }
    return "OK";
}

// Hg/Hc THREAD: -1 is every thread, 0 any thread.
std::string GdbStub::set_thread(std::string_view args) {
    if (args.empty() || (args[0] != 'g' && args[0] != 'c')) return std::string(kBadPacket);
    const std::string_view id = args.substr(1);
    const bool general = args[0] == 'g';
    if (id == "-1" || id == "0") {
        if (!general) step_thread_.reset();
        return "OK";
    }
    const auto thread = thread_from_id(id);
    if (!thread) return std::string(kBadPacket);
    if (general) current_ = *thread;
    else step_thread_ = *thread;
    return "OK";
}

std::optional<unsigned> GdbStub::thread_from_id(std::string_view id) const {
    const auto n = gdb::parse_hex_number(id);
    if (!n || *n == 0 || *n > threads_.size()) return std::nullopt;
    return static_cast<unsigned>(*n - 1);
}

std::string GdbStub::thread_extra_info(std::string_view args) {
    const auto thread = thread_from_id(args);
    if (!thread) return std::string(kBadPacket);
    const Cpu& cpu = *threads_[*thread].cpu;
    std::string text = "CPU " + std::to_string(cpu.index()) + " (" + cpu.type().name() + ")";
    if (!cpu.powered()) text += " [powered off]";
    return gdb::to_hex(text);
}

// qXfer:features:read:ANNEX:OFFSET,LENGTH
std::string GdbStub::xfer_features(std::string_view args) {
    const auto colon = args.rfind(':');
    if (colon == std::string_view::npos) return std::string(kBadPacket);
    const auto range = parse_address_length(args.substr(colon + 1));
    if (!range) return std::string(kBadPacket);
    const std::optional<std::string> document = threads_.front().target->gdb_target_xml(args.substr(0, colon));
    if (!document) return "E00";
    if (range->address >= document->size()) return "l";
    const std::size_t length = std::min<std::uint64_t>({range->length, kMaxData, document->size() - range->address});
    const bool last = range->address + length >= document->size();
    return (last ? "l" : "m") + gdb::escape_binary(std::string_view(*document).substr(range->address, length));
}

std::string GdbStub::resume(std::optional<unsigned> step, std::string_view address) {
    // "c ADDR" / "s ADDR" (resume elsewhere) is obsolete; gdb sets the PC with P instead.
    if (!address.empty()) return std::string(kBadPacket);
    if (step) threads_[*step].target->gdb_set_single_step(true);
    resume_guest();
    return {};
}

// vCont;ACTION[:THREAD]...: the first action naming a thread (or none) wins. Threads given
// 'c' and threads with no action alike run: the accelerator resumes every vCPU together.
std::string GdbStub::handle_vcont(std::string_view text) {
    std::vector<char> action(threads_.size(), 0);
    for (std::string_view item : gdb::split(text, ';')) {
        const auto colon = item.find(':');
        const std::string_view verb = item.substr(0, colon);
        if (verb.empty() || std::string_view("cCsS").find(verb[0]) == std::string_view::npos)
            return std::string(kBadPacket);
        if ((verb[0] == 'C' || verb[0] == 'S') && !gdb::parse_hex_number(verb.substr(1)))
            return std::string(kBadPacket);
        if ((verb[0] == 'c' || verb[0] == 's') && verb.size() != 1) return std::string(kBadPacket);
        std::optional<unsigned> only;
        if (colon != std::string_view::npos) {
            const std::string_view id = item.substr(colon + 1);
            if (id != "-1") {
                only = thread_from_id(id);
                if (!only) return std::string(kBadPacket);
            }
        }
        const char what = verb[0] == 'S' || verb[0] == 's' ? 's' : 'c';
        for (unsigned i = 0; i < threads_.size(); ++i)
            if (!action[i] && (!only || *only == i)) action[i] = what;
    }
    for (unsigned i = 0; i < threads_.size(); ++i)
        if (action[i] == 's') threads_[i].target->gdb_set_single_step(true);
    resume_guest();
    return {};
}

}  // namespace emu
