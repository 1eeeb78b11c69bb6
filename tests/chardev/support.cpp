#include "support.h"

#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <filesystem>
#include <stdexcept>
#include <thread>

#include "emu/lock.h"
#include "plugin_loader.h"

namespace chardev_test {

namespace {

class FakeFrontend final : public emu::Device {};

emu::TypeRegistry* make_registry() {
    // Kept for the whole process: types hold code that lives in the plugin.
    auto* registry = new emu::TypeRegistry;
    static emu::PluginLoader loader(*registry);
    const emu::PluginRecord& record =
        loader.load_file(std::filesystem::path(EMU_PLUGIN_DIR) / "chardev.so");
    if (!record.loaded) throw std::runtime_error("cannot load the chardev plugin: " + record.error);
    emu::TypeBatch batch;
    batch.add({.name = "test-frontend",
               .parent = "device",
               .category = emu::Category::Char,
               .description = "a fake UART for the chardev tests",
               .factory = emu::factory_of<FakeFrontend>()});
    registry->register_batch(batch, "chardev-tests");
    return registry;
}

}  // namespace

emu::TypeRegistry& registry() {
    static emu::TypeRegistry* registry = make_registry();
    return *registry;
}

void ChardevTest::SetUp() {
    root = registry().create("container");
    machine = root->add_child("machine", registry().create("none")).as<emu::Machine>();
    machine->attach(loop, {});
    frontend = root->container("machine/peripheral")
                   .add_child("uart", registry().create("test-frontend"))
                   .as<emu::Device>();
    frontend->realize();
}

void ChardevTest::TearDown() {
    emu::unrealize_tree(*root);
    root.reset();
}

emu::CharBackend& ChardevTest::create(const std::string& kind, const std::string& id,
                                      const std::vector<std::pair<std::string, std::string>>& props,
                                      bool realize) {
    emu::Object& object =
        root->container("chardev").add_child(id, registry().create("chardev-" + kind));
    auto* backend = object.as<emu::CharBackend>();
    if (!backend) throw std::runtime_error("chardev-" + kind + " is not a CharBackend");
    for (auto& [name, value] : props) object.set_property(name, value);
    if (realize) backend->realize();
    return *backend;
}

std::string ChardevTest::create_error(const std::string& kind, const std::string& id,
                                      const std::vector<std::pair<std::string, std::string>>& props) {
    try {
        create(kind, id, props);
    } catch (const emu::Error& e) {
        return e.what();
    }
    return "";
}

Sink& ChardevTest::attach(emu::CharBackend& backend) {
    Sink& sink = sinks.emplace_back();
    backend.attach(*frontend,
                   {.can_receive = [&sink] { return sink.room; },
                    .receive =
                        [&sink](const std::uint8_t* data, std::size_t length) {
                            if (length > sink.room) sink.overrun = true;
                            sink.max_offer = std::max(sink.max_offer, length);
                            sink.data.append(reinterpret_cast<const char*>(data), length);
                            if (sink.room != Sink::kUnlimited)
                                sink.room -= std::min(sink.room, length);
                        }});
    return sink;
}

bool ChardevTest::run_until(const std::function<bool()>& pred, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!pred()) {
        if (std::chrono::steady_clock::now() > deadline) return false;
        if (!loop.iterate(false)) std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return true;
}

int ChardevTest::run_for(std::chrono::milliseconds duration) {
    const auto deadline = std::chrono::steady_clock::now() + duration;
    int dispatched = 0;
    while (std::chrono::steady_clock::now() < deadline) {
        if (loop.iterate(false))
            ++dispatched;
        else
            std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return dispatched;
}

void ChardevTest::write(emu::CharBackend& backend, const std::string& text) {
    emu::BigLockGuard locked;  // as a front end on a vCPU thread would
    backend.write(reinterpret_cast<const std::uint8_t*>(text.data()), text.size());
}

bool write_fd(int fd, const std::string& text) {
    std::size_t done = 0;
    while (done < text.size()) {
        const ssize_t n = ::write(fd, text.data() + done, text.size() - done);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && errno == EAGAIN) {
            pollfd p{fd, POLLOUT, 0};
            ::poll(&p, 1, 100);
            continue;
        }
        if (n <= 0) return false;
        done += static_cast<std::size_t>(n);
    }
    return true;
}

std::string read_fd(int fd, std::size_t count, std::chrono::milliseconds timeout) {
    std::string out;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (out.size() < count) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
            deadline - std::chrono::steady_clock::now());
        if (left.count() <= 0) break;
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
        char buffer[4096];
        const ssize_t n = ::read(fd, buffer, std::min(sizeof buffer, count - out.size()));
        if (n > 0)
            out.append(buffer, static_cast<std::size_t>(n));
        else if (n == 0 || (errno != EINTR && errno != EAGAIN))
            break;
    }
    return out;
}

std::string drain_fd(int fd, std::chrono::milliseconds wait) {
    std::string out;
    for (;;) {
        pollfd p{fd, POLLIN, 0};
        if (::poll(&p, 1, static_cast<int>(wait.count())) <= 0 || !(p.revents & POLLIN)) break;
        char buffer[4096];
        const ssize_t n = ::read(fd, buffer, sizeof buffer);
        if (n <= 0) break;
        out.append(buffer, static_cast<std::size_t>(n));
    }
    return out;
}

TempDir::TempDir() {
    char pattern[] = "/tmp/emu-chardev-XXXXXX";
    if (!::mkdtemp(pattern)) throw std::runtime_error("mkdtemp failed");
    dir_ = pattern;
}

TempDir::~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
}

CaptureStderr::CaptureStderr() {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
    ::fcntl(fds[0], F_SETFL, O_NONBLOCK);
    saved_ = ::dup(2);
    ::dup2(fds[1], 2);
    ::close(fds[1]);
    read_ = fds[0];
}

CaptureStderr::~CaptureStderr() {
    ::dup2(saved_, 2);
    ::close(saved_);
    ::close(read_);
}

std::string CaptureStderr::text() {
    char buffer[4096];
    ssize_t n;
    while ((n = ::read(read_, buffer, sizeof buffer)) > 0) text_.append(buffer, static_cast<std::size_t>(n));
    return text_;
}

Pipe::Pipe() {
    int fds[2];
    if (::pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe failed");
    read = fds[0];
    write = fds[1];
}

Pipe::~Pipe() {
    close_read();
    close_write();
}

void Pipe::close_read() {
    if (read >= 0) ::close(read);
    read = -1;
}

void Pipe::close_write() {
    if (write >= 0) ::close(write);
    write = -1;
}

}  // namespace chardev_test
