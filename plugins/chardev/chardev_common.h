// Shared machinery of the character back ends (plugin "chardev").
//
// CharIo is the base of every back end that moves bytes through file descriptors. It owns the
// rules every back end follows:
//   - I/O starts in on_attach(): the event loop is the machine's (Object::machine()->loop()),
//     which exists by the time a front end (a UART built by the machine) attaches;
//   - input is read from one fd, only as much as the front end has room for; with no room the
//     fd is no longer watched until the front end calls accept_input() (from any thread: the
//     resume is posted to the loop);
//   - output never blocks the caller (a vCPU thread holding the big lock): what the fd does not
//     take at once is buffered (up to 1 MiB, then dropped with one warning) and flushed by the
//     loop when the fd is writable; unrealize gives the reader a last second to take it.
// Loop callbacks run under the big lock and write() is called with it held, so the state shared
// by the two needs no other locking.
#pragma once

#include <emu/chardev.h>
#include <emu/event_loop.h>
#include <emu/property.h>
#include <emu/type.h>

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace emu_chardev {

// strerror(err) as a std::string.
std::string error_text(int err);

// Write side of one fd, never blocking: what the fd does not take at once waits in a buffer
// (at most kMaxPending bytes; beyond that output is dropped, said once on stderr) until the
// owner calls flush(), typically when the loop reports the fd writable.
class OutputFd {
public:
    static constexpr std::size_t kMaxPending = 1 << 20;

    enum class Flush {
        Done,     // nothing left
        Pending,  // the fd is full again; call again when it is writable
        Gone,     // the reader is gone (EPIPE, ECONNRESET, EIO...): the buffer was dropped
    };

    // who: how warnings name the back end ("chardev-stdio 'serial0'"). Drops anything pending.
    void reset(int fd, bool socket, std::string who);
    void clear() { reset(-1, false, who_); }
    void discard() { pending_.clear(); }
    int fd() const { return fd_; }
    bool pending() const { return !pending_.empty(); }

    // Write what the fd takes now and keep the rest. True if something is left to flush.
    bool write(const std::uint8_t* data, std::size_t length);
    Flush flush();
    // Before closing: wait up to `limit` for the reader to take what is pending, then drop it.
    void drain(std::chrono::milliseconds limit);

private:
    struct Attempt {
        std::size_t written = 0;
        bool gone = false;
    };
    Attempt write_now(const std::uint8_t* data, std::size_t length);
    void warn_once(const std::string& why);

    int fd_ = -1;
    bool socket_ = false;
    bool blocking_ = false;  // the fd is in blocking mode: write only what poll() allows
    bool warned_ = false;
    std::string pending_;
    std::string who_;
};

class CharIo : public emu::CharBackend {
public:
    CharIo();
    ~CharIo() override;
    CharIo(const CharIo&) = delete;
    CharIo& operator=(const CharIo&) = delete;

    // The front end drained its FIFO: resume reading (thread-safe via the loop).
    void accept_input() override;

protected:
    // Fetches the loop, then calls start_io(). Throws Error without a machine.
    void on_attach() final;
    // The back end's own start, once the loop is known.
    virtual void start_io() {}

    emu::EventLoop* loop() const { return loop_; }

    // Read from fd (recv() when socket) and hand it to on_input(). Requires the loop.
    void start_input(int fd, bool socket);
    // Stop reading (the fd is not closed). Safe from inside the input callback.
    void stop_input();
    bool reading() const { return in_fd_ >= 0; }

    // Input bytes, already limited to what the front end has room for. Default: deliver().
    virtual void on_input(const std::uint8_t* data, std::size_t length);
    // The input fd reached end of file (error 0) or failed (errno). Reading has stopped.
    virtual void on_input_closed(int error) { (void)error; }

    // Output: write() of the back end calls output(), which never blocks; what the fd does not
    // take at once is flushed by the loop when the fd becomes writable.
    void set_output(int fd, bool socket);  // drops anything pending for the previous fd
    void stop_output() { set_output(-1, false); }
    void discard_output();                 // drop what is pending (nobody will read it)
    void output(const std::uint8_t* data, std::size_t length);
    // Before closing the fd: give the reader up to `limit` to take what is pending.
    void drain_output(std::chrono::milliseconds limit = std::chrono::seconds(1));
    int output_fd() const { return out_.fd(); }

    // Run fn on the loop thread on its next iteration, unless this object is gone by then.
    void post(std::function<void()> fn);

    // Undo everything the loop knows about (watches, posted calls). For do_unrealize().
    void stop_loop_io();

private:
    void add_watch();
    bool readable();
    void pause_input();
    void resume_input();
    void remove_watch();
    void request_flush();
    void start_flush_watch();
    void stop_flush_watch();
    bool writable(unsigned conditions);

    emu::EventLoop* loop_ = nullptr;
    int in_fd_ = -1;
    bool in_socket_ = false;
    std::optional<emu::EventLoop::WatchId> watch_;
    bool paused_ = false;
    bool resume_posted_ = false;
    OutputFd out_;
    std::optional<emu::EventLoop::WatchId> out_watch_;
    bool flush_posted_ = false;
    // Posted callbacks hold a weak reference: they do nothing once the object is destroyed.
    std::shared_ptr<CharIo*> self_;
};

// A property that can be read but not set (e.g. the port a server was given by the kernel).
template <class T>
void readonly_property(emu::ClassBuilder<T>& c, std::string name, std::string type_name,
                       std::function<std::string(const T&)> get, std::string description) {
    emu::Property p;
    p.name = std::move(name);
    p.kind = emu::PropertyKind::String;
    p.type_name = std::move(type_name);
    p.description = std::move(description);
    p.parse = [](emu::Object&, std::string_view) { throw emu::Error("cannot be set: the property is read-only"); };
    p.print = [get = std::move(get)](const emu::Object& o) { return get(dynamic_cast<const T&>(o)); };
    c.object_class().add_property(std::move(p));
}

// One registration function per back end (one file each).
void register_null(emu::TypeBatch& types);
void register_stdio(emu::TypeBatch& types);
void register_file(emu::TypeBatch& types);
void register_pty(emu::TypeBatch& types);
void register_socket(emu::TypeBatch& types);

}  // namespace emu_chardev
