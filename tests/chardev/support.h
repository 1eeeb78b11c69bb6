// Shared fixture of the chardev tests: the plugin loaded into a registry (once per process), a
// root container with a "none" machine attached to an event loop, a fake front end, and helpers
// to create back ends, drive the loop and talk to fds.
#pragma once

#include <gtest/gtest.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <limits>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "emu/chardev.h"
#include "emu/device.h"
#include "emu/event_loop.h"
#include "emu/machine.h"
#include "emu/object.h"
#include "emu/type.h"

namespace chardev_test {

// The registry holding the chardev plugin's types and "test-frontend".
emu::TypeRegistry& registry();

// What a fake front end received, and how much room it offers.
struct Sink {
    static constexpr std::size_t kUnlimited = std::numeric_limits<std::size_t>::max();
    std::string data;
    std::size_t room = kUnlimited;   // what can_receive() answers
    std::size_t max_offer = 0;       // the largest chunk ever delivered
    bool overrun = false;            // a delivery larger than the room offered
};

class ChardevTest : public ::testing::Test {
protected:
    void SetUp() override;
    void TearDown() override;

    // Create /chardev/<id> of type "chardev-<kind>" with properties; realize unless told not to.
    emu::CharBackend& create(const std::string& kind, const std::string& id,
                             const std::vector<std::pair<std::string, std::string>>& props,
                             bool realize = true);
    // The error message realize (or a property) throws, or "" if it succeeded.
    std::string create_error(const std::string& kind, const std::string& id,
                             const std::vector<std::pair<std::string, std::string>>& props);
    // Attach the fake front end; the returned sink records what arrives.
    Sink& attach(emu::CharBackend& backend);

    // Iterate the loop until pred() holds or timeout; false on timeout.
    bool run_until(const std::function<bool()>& pred,
                   std::chrono::milliseconds timeout = std::chrono::seconds(5));
    // Iterate the loop for a while; returns how many iterations dispatched something.
    int run_for(std::chrono::milliseconds duration);

    void write(emu::CharBackend& backend, const std::string& text);

    emu::EventLoop loop;  // declared first: destroyed after the tree
    std::unique_ptr<emu::Object> root;
    emu::Machine* machine = nullptr;
    emu::Device* frontend = nullptr;
    std::deque<Sink> sinks;
};

// ---- fd helpers ----
// Write all of text to fd (blocking); false on error.
bool write_fd(int fd, const std::string& text);
// Read from fd until `count` bytes arrived or timeout; returns what arrived.
std::string read_fd(int fd, std::size_t count,
                    std::chrono::milliseconds timeout = std::chrono::seconds(5));
// Whatever is readable within `wait`.
std::string drain_fd(int fd, std::chrono::milliseconds wait = std::chrono::milliseconds(50));

// A fresh directory under /tmp (short paths: unix socket paths are limited), removed at the end.
class TempDir {
public:
    TempDir();
    ~TempDir();
    TempDir(const TempDir&) = delete;
    TempDir& operator=(const TempDir&) = delete;
    std::string path(const std::string& name) const { return dir_ + "/" + name; }

private:
    std::string dir_;
};

// Redirects fd 2 into a pipe for its lifetime; text() returns what was written so far.
class CaptureStderr {
public:
    CaptureStderr();
    ~CaptureStderr();
    CaptureStderr(const CaptureStderr&) = delete;
    CaptureStderr& operator=(const CaptureStderr&) = delete;
    std::string text();

private:
    int saved_ = -1;
    int read_ = -1;
    std::string text_;
};

// A pipe whose ends close with it.
struct Pipe {
    Pipe();
    ~Pipe();
    Pipe(const Pipe&) = delete;
    Pipe& operator=(const Pipe&) = delete;
    void close_read();
    void close_write();
    int read = -1;
    int write = -1;
};

}  // namespace chardev_test
