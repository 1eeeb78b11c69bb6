// The commands of the protocol (README.md), one handler each. Every word comes from the test
// or a fuzzer: numbers, sizes and paths are checked here before anything reaches the machine.
#include <algorithm>
#include <cinttypes>
#include <cstdio>
#include <limits>

#include <emu/event_loop.h>
#include <emu/lock.h>
#include <emu/machine.h>

#include "qtest.h"
#include "text.h"

namespace emu::qtest {

namespace {

// A command that cannot be carried out: its answer is "FAIL <reason>".
struct Failure {
    std::string reason;
};

// One read/b64read answers at most this much (its text must fit the chardev's output buffer).
constexpr std::uint64_t kMaxTransfer = 256 << 10;
// memset writes at most this much in one command.
constexpr std::uint64_t kMaxMemset = 256 << 20;
// One clock_step or clock_set moves the clock at most this far: a fast periodic device timer
// fires once per period, and a bound keeps every command short (the fuzzer must not hang emu).
constexpr std::int64_t kMaxClockAdvance = 100'000'000'000;  // 100 s

std::uint64_t number(std::string_view word, const char* what) {
    const std::optional<std::uint64_t> value = parse_number(word);
    if (!value) throw Failure{std::string(what) + " '" + quoted(word) + "' is not a number"};
    return *value;
}

// VALUE of an access of width bytes.
std::uint64_t value_of_width(std::string_view word, unsigned width) {
    const std::uint64_t value = number(word, "value");
    if (width < 8 && value >> (8 * width))
        throw Failure{"value " + quoted(word) + " does not fit in " + std::to_string(width) + " bytes"};
    return value;
}

// A SIZE of at most limit bytes.
std::uint64_t size_at_most(std::string_view word, std::uint64_t limit) {
    const std::uint64_t size = number(word, "size");
    if (size > limit) throw Failure{"size " + quoted(word) + " is above " + std::to_string(limit)};
    return size;
}

// The access width a command name ends in: outb/inb/readb/writeb = 1 ... q = 8.
unsigned width_of(std::string_view command) {
    switch (command.back()) {
    case 'b': return 1;
    case 'w': return 2;
    case 'l': return 4;
    default: return 8;
    }
}

std::string hex_value(std::uint64_t value, int digits) {
    char text[32];
    std::snprintf(text, sizeof text, "OK 0x%0*" PRIx64, digits, value);
    return text;
}

void check_result(MemResult result, std::uint64_t address, std::uint64_t size) {
    if (result != MemResult::DeviceError) return;  // unassigned and read-only: as on a bus
    char text[96];
    std::snprintf(text, sizeof text, "the device at 0x%" PRIx64 " refused a %" PRIu64 "-byte access", address, size);
    throw Failure{text};
}

// [address, address + size) must not wrap past the top of the address space.
void check_range(std::uint64_t address, std::uint64_t size) {
    if (size && address + (size - 1) < address) throw Failure{"the range wraps past the end of the address space"};
}

}  // namespace

const std::vector<Protocol::Command>& Protocol::commands() {
    static const std::vector<Command> table = {
        {"outb", 2, 2, "outb PORT VALUE", &Protocol::out},
        {"outw", 2, 2, "outw PORT VALUE", &Protocol::out},
        {"outl", 2, 2, "outl PORT VALUE", &Protocol::out},
        {"inb", 1, 1, "inb PORT", &Protocol::in},
        {"inw", 1, 1, "inw PORT", &Protocol::in},
        {"inl", 1, 1, "inl PORT", &Protocol::in},
        {"writeb", 2, 2, "writeb ADDR VALUE", &Protocol::write_value},
        {"writew", 2, 2, "writew ADDR VALUE", &Protocol::write_value},
        {"writel", 2, 2, "writel ADDR VALUE", &Protocol::write_value},
        {"writeq", 2, 2, "writeq ADDR VALUE", &Protocol::write_value},
        {"readb", 1, 1, "readb ADDR", &Protocol::read_value},
        {"readw", 1, 1, "readw ADDR", &Protocol::read_value},
        {"readl", 1, 1, "readl ADDR", &Protocol::read_value},
        {"readq", 1, 1, "readq ADDR", &Protocol::read_value},
        {"read", 2, 2, "read ADDR SIZE", &Protocol::read_bytes},
        {"write", 3, 3, "write ADDR SIZE 0xDATA", &Protocol::write_bytes},
        {"memset", 3, 3, "memset ADDR SIZE BYTE", &Protocol::memset},
        {"b64read", 2, 2, "b64read ADDR SIZE", &Protocol::read_base64},
        {"b64write", 3, 3, "b64write ADDR SIZE BASE64", &Protocol::write_base64},
        {"clock_step", 0, 1, "clock_step [NS]", &Protocol::clock_step},
        {"clock_set", 1, 1, "clock_set NS", &Protocol::clock_set},
        {"irq_intercept_in", 1, 1, "irq_intercept_in PATH", &Protocol::irq_intercept_in},
        {"irq_intercept_out", 1, 2, "irq_intercept_out PATH [NAME]", &Protocol::irq_intercept_out},
        {"set_irq_in", 4, 4, "set_irq_in PATH NAME N LEVEL", &Protocol::set_irq_in},
        {"msi_take", 0, 0, "msi_take", &Protocol::msi_take},
        {"endianness", 0, 0, "endianness", &Protocol::endianness},
    };
    return table;
}

std::string Protocol::execute(std::string_view line) {
    BigLockGuard locked;
    try {
        Words words = split_words(line);
        if (words.empty()) throw Failure{"empty command"};
        const auto& table = commands();
        const auto command =
            std::find_if(table.begin(), table.end(), [&](const Command& c) { return words[0] == c.name; });
        if (command == table.end()) throw Failure{"unknown command '" + quoted(words[0]) + "'"};
        const std::size_t args = words.size() - 1;
        if (args < command->min_args || args > command->max_args)
            throw Failure{std::string("usage: ") + command->usage};
        return (this->*command->run)(words);
    } catch (const Failure& f) {
        return "FAIL " + f.reason;
    } catch (const std::exception& e) {
        // A device or the object tree refused (an Error's message is one line).
        return "FAIL " + quoted(e.what(), 200);
    } catch (...) {
        return "FAIL the command failed";
    }
}

// ---- Machine access -------------------------------------------------------------------------

AddressSpace& Protocol::memory() {
    AddressSpace* space = accel_.board().system_memory();
    if (!space) throw Failure{"machine '" + accel_.board().type().name() + "' has no system memory"};
    return *space;
}

AddressSpace& Protocol::ports() {
    auto* x86 = dynamic_cast<X86Machine*>(&accel_.board());
    AddressSpace* space = x86 ? x86->io_space() : nullptr;
    if (!space) throw Failure{"machine '" + accel_.board().type().name() + "' has no I/O ports"};
    return *space;
}

// ---- Port I/O -------------------------------------------------------------------------------

std::string Protocol::out(const Words& w) {
    const unsigned width = width_of(w[0]);
    const std::uint64_t port = number(w[1], "port");
    if (port > 0xffff) throw Failure{"port " + quoted(w[1]) + " is above 0xffff"};
    const std::uint64_t value = value_of_width(w[2], width);
    // A port nothing answers ignores the write.
    check_result(ports().write_value(port, width, value), port, width);
    return "OK";
}

std::string Protocol::in(const Words& w) {
    const unsigned width = width_of(w[0]);
    const std::uint64_t port = number(w[1], "port");
    if (port > 0xffff) throw Failure{"port " + quoted(w[1]) + " is above 0xffff"};
    std::uint64_t value = 0;
    const MemResult result = ports().read_value(port, width, value);
    // x86.h: a port nothing answers reads as all ones.
    if (result == MemResult::Unassigned) value = (std::uint64_t{1} << (8 * width)) - 1;
    check_result(result, port, width);
    return hex_value(value, 4);
}

// ---- Memory ---------------------------------------------------------------------------------

std::string Protocol::write_value(const Words& w) {
    const unsigned width = width_of(w[0]);
    const std::uint64_t address = number(w[1], "address");
    const std::uint64_t value = value_of_width(w[2], width);
    check_range(address, width);
    check_result(memory().write_value(address, width, value), address, width);
    return "OK";
}

std::string Protocol::read_value(const Words& w) {
    const unsigned width = width_of(w[0]);
    const std::uint64_t address = number(w[1], "address");
    check_range(address, width);
    std::uint64_t value = 0;
    check_result(memory().read_value(address, width, value), address, width);
    return hex_value(value, 16);
}

std::vector<std::uint8_t> Protocol::read_range(std::string_view address_word, std::string_view size_word) {
    const std::uint64_t address = number(address_word, "address");
    const std::uint64_t size = size_at_most(size_word, kMaxTransfer);
    check_range(address, size);
    std::vector<std::uint8_t> data(size);
    if (size) check_result(memory().read(address, data.data(), data.size()), address, size);
    return data;
}

void Protocol::write_range(std::uint64_t address, const std::vector<std::uint8_t>& data) {
    check_range(address, data.size());
    if (!data.empty()) check_result(memory().write(address, data.data(), data.size()), address, data.size());
}

std::string Protocol::read_bytes(const Words& w) {
    const std::vector<std::uint8_t> data = read_range(w[1], w[2]);
    return "OK 0x" + to_hex(data.data(), data.size());
}

std::string Protocol::read_base64(const Words& w) {
    const std::vector<std::uint8_t> data = read_range(w[1], w[2]);
    return "OK " + to_base64(data.data(), data.size());
}

// As QEMU: data shorter than SIZE is padded with zero bytes.
std::string Protocol::write_bytes(const Words& w) {
    const std::uint64_t address = number(w[1], "address");
    const std::uint64_t size = size_at_most(w[2], kMaxTransfer);
    std::optional<std::vector<std::uint8_t>> data = from_hex(w[3]);
    if (!data) throw Failure{"data must be 0x followed by pairs of hex digits"};
    if (data->size() > size)
        throw Failure{"data has " + std::to_string(data->size()) + " bytes, more than size " + quoted(w[2])};
    data->resize(size, 0);
    write_range(address, *data);
    return "OK";
}

std::string Protocol::write_base64(const Words& w) {
    const std::uint64_t address = number(w[1], "address");
    const std::uint64_t size = size_at_most(w[2], kMaxTransfer);
    const std::optional<std::vector<std::uint8_t>> data = from_base64(w[3]);
    if (!data) throw Failure{"data is not base64"};
    if (data->size() != size)
        throw Failure{"data has " + std::to_string(data->size()) + " bytes, size says " + std::to_string(size)};
    write_range(address, *data);
    return "OK";
}

std::string Protocol::memset(const Words& w) {
    const std::uint64_t address = number(w[1], "address");
    const std::uint64_t size = size_at_most(w[2], kMaxMemset);
    const std::uint64_t byte = number(w[3], "byte");
    if (byte > 0xff) throw Failure{"byte " + quoted(w[3]) + " is above 0xff"};
    check_range(address, size);
    const std::vector<std::uint8_t> chunk(std::min<std::uint64_t>(size, 64 << 10), static_cast<std::uint8_t>(byte));
    for (std::uint64_t done = 0; done < size;) {
        const std::uint64_t n = std::min<std::uint64_t>(chunk.size(), size - done);
        check_result(memory().write(address + done, chunk.data(), n), address + done, n);
        done += n;
    }
    return "OK";
}

// ---- The virtual clock ----------------------------------------------------------------------

// Timers already due (armed for now or earlier) fire even when the clock does not move.
std::string Protocol::advance_clock_to(std::int64_t target) {
    VirtualClock& clock = accel_.board().loop().virtual_clock();
    const std::int64_t now = clock.now();
    clock.step(target > now ? target - now : 0);
    return "OK " + std::to_string(clock.now());
}

std::string Protocol::clock_step(const Words& w) {
    VirtualClock& clock = accel_.board().loop().virtual_clock();
    const std::int64_t now = clock.now();
    if (w.size() == 1) {
        // To the next timer's deadline (none armed: the clock stays).
        const std::optional<ClockNs> next = clock.next_deadline();
        return advance_clock_to(next ? std::min(*next, now + kMaxClockAdvance) : now);
    }
    const std::uint64_t ns = number(w[1], "step");
    if (ns > static_cast<std::uint64_t>(kMaxClockAdvance))
        throw Failure{"step " + quoted(w[1]) + " is above " + std::to_string(kMaxClockAdvance) + " ns"};
    return advance_clock_to(now + static_cast<std::int64_t>(ns));
}

// Time never goes back: a target in the past leaves the clock where it is.
std::string Protocol::clock_set(const Words& w) {
    const std::int64_t now = accel_.board().loop().virtual_clock().now();
    const std::uint64_t target = number(w[1], "time");
    if (target > static_cast<std::uint64_t>(now) + static_cast<std::uint64_t>(kMaxClockAdvance))
        throw Failure{"time " + quoted(w[1]) + " is more than " + std::to_string(kMaxClockAdvance) +
                      " ns ahead of now (" + std::to_string(now) + ")"};
    return advance_clock_to(static_cast<std::int64_t>(target));
}

// ---- Interrupt lines ------------------------------------------------------------------------

// The names QEMU's tests give the PC's interrupt controller, which this accelerator is.
bool Protocol::names_interrupt_controller(std::string_view path) const {
    return path == "ioapic" || path == "/machine/ioapic" || path == "i8259" || path == "/machine/i8259" ||
           path == "/accel";
}

// An absolute path, or (as QEMU's partial paths) the one object whose path ends with it.
Object& Protocol::resolve(std::string_view path) {
    Object& root = accel_.board().root();
    if (!path.empty() && path[0] == '/') {
        if (Object* object = root.resolve(path)) return *object;
        throw Failure{"no object at '" + quoted(path) + "'"};
    }
    const std::string suffix = "/" + std::string(path);
    std::vector<Object*> found;
    std::vector<Object*> pending{&root};
    while (!pending.empty() && found.size() < 2) {
        Object* object = pending.back();
        pending.pop_back();
        const std::string full = object->path();
        if (full.size() >= suffix.size() && full.compare(full.size() - suffix.size(), suffix.size(), suffix) == 0)
            found.push_back(object);
        for (const auto& child : object->children()) pending.push_back(child.get());
    }
    if (found.empty()) throw Failure{"no object at '" + quoted(path) + "'"};
    if (found.size() > 1) throw Failure{"'" + quoted(path) + "' names more than one object; give its full path"};
    return *found.front();
}

std::string Protocol::irq_intercept_in(const Words& w) {
    IrqWatch& irqs = accel_.irqs();
    if (irqs.target() != IrqWatch::Target::None) throw Failure{"IRQ intercept already enabled (" + irqs.name() + ")"};
    if (!names_interrupt_controller(w[1])) {
        resolve(w[1]);  // a clear "no object" first
        throw Failure{"only the x86 interrupt controller's inputs (ioapic) can be intercepted; "
                      "irq_intercept_out intercepts a device's outputs"};
    }
    if (!dynamic_cast<X86Machine*>(&accel_.board()))
        throw Failure{"machine '" + accel_.board().type().name() + "' has no x86 interrupt controller"};
    irqs.intercept(IrqWatch::Target::Gsi, "ioapic", X86InterruptController::kIoapicPins);
    return "OK";
}

std::string Protocol::irq_intercept_out(const Words& w) {
    IrqWatch& irqs = accel_.irqs();
    if (irqs.target() != IrqWatch::Target::None) throw Failure{"IRQ intercept already enabled (" + irqs.name() + ")"};
    Object& object = resolve(w[1]);
    auto* device = dynamic_cast<Device*>(&object);
    if (!device) throw Failure{object.path() + " is not a device"};
    const std::string name = w.size() > 2 ? std::string(w[2]) : std::string();
    // The outputs of one name are numbered from 0 with no gaps; replace each with a line the
    // test watches (the device's interrupt no longer reaches its controller, as in QEMU).
    constexpr unsigned kMaxLines = 4096;
    unsigned count = 0;
    for (; count < kMaxLines; ++count) {
        try {
            device->connect_gpio_out(name, count, IrqLine([watch = accel_.irq_watch(), count](bool level) {
                                         BigLockGuard locked;
                                         watch->set_output(count, level);
                                     }));
        } catch (const Error&) {
            break;
        }
    }
    if (count == 0)
        throw Failure{object.path() + " has no output lines" + (name.empty() ? "" : " named '" + quoted(name) + "'")};
    irqs.intercept(IrqWatch::Target::Outputs, object.path(), count);
    return "OK";
}

std::string Protocol::set_irq_in(const Words& w) {
    const std::optional<std::int64_t> level = parse_signed(w[4]);
    if (!level) throw Failure{"level '" + quoted(w[4]) + "' is not a number"};
    const std::uint64_t n = number(w[3], "line");
    if (names_interrupt_controller(w[1]) && dynamic_cast<X86Machine*>(&accel_.board())) {
        if (n >= X86InterruptController::kIoapicPins)
            throw Failure{"GSI " + quoted(w[3]) + " does not exist (0-" +
                          std::to_string(X86InterruptController::kIoapicPins - 1) + ")"};
        accel_.gsi(static_cast<unsigned>(n)).set(*level != 0);
        return "OK";
    }
    Object& object = resolve(w[1]);
    auto* device = dynamic_cast<Device*>(&object);
    if (!device) throw Failure{object.path() + " is not a device"};
    if (n > std::numeric_limits<unsigned>::max()) throw Failure{"line " + quoted(w[3]) + " does not exist"};
    // QEMU's name for a device's unnamed inputs.
    const std::string_view name = w[2] == "unnamed-gpio-in" ? std::string_view() : w[2];
    device->gpio_in(name, static_cast<unsigned>(n)).set(*level != 0);
    return "OK";
}

std::string Protocol::msi_take(const Words&) {
    const std::optional<QtestAccelerator::Msi> msi = accel_.take_msi();
    if (!msi) return "OK none";
    char text[64];
    std::snprintf(text, sizeof text, "OK 0x%" PRIx64 " 0x%" PRIx32, msi->address, msi->data);
    return text;
}

std::string Protocol::endianness(const Words&) { return "OK little"; }

}  // namespace emu::qtest
