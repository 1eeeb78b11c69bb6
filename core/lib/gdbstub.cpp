// The gdb stub's connection (one client at a time, non-blocking, on the event loop) and its run
// control (stopping and resuming every vCPU through the machine's accelerator).
#include "gdbstub.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>

#include "emu/cpu.h"
#include "emu/error.h"
#include "emu/machine.h"

namespace emu {

namespace {

// A client that stops reading its replies is dropped rather than buffered without end.
constexpr std::size_t kMaxQueuedOutput = 1 << 20;

void collect_cpus(Object& object, std::vector<Cpu*>& cpus) {
    for (auto& child : object.children()) {
        if (auto* cpu = child->as<Cpu>()) cpus.push_back(cpu);
        collect_cpus(*child, cpus);
    }
}

}  // namespace

GdbTarget::~GdbTarget() = default;

GdbStub::GdbStub(Machine& machine, const std::string& spec)
    : machine_(machine), loop_(machine.loop()), spec_(spec), alive_(std::make_shared<GdbStub*>(this)) {
    const GdbListenSpec where = parse_gdb_spec(spec);
    std::vector<Cpu*> cpus;
    collect_cpus(machine, cpus);
    std::sort(cpus.begin(), cpus.end(), [](Cpu* a, Cpu* b) { return a->index() < b->index(); });
    if (cpus.empty()) throw Error("-gdb " + spec + ": the machine has no CPU to debug");
    for (Cpu* cpu : cpus) {
        auto* target = dynamic_cast<GdbTarget*>(cpu);
        if (!target)
            throw Error("-gdb " + spec + ": CPU " + cpu->display_name() + " cannot be debugged with gdb");
        threads_.push_back({cpu, target});
    }
    listen_fd_ = gdb_listen(spec, where);
    for (unsigned i = 0; i < threads_.size(); ++i) {
        std::weak_ptr<GdbStub*> alive = alive_;
        threads_[i].target->set_debug_stop_handler([this, alive, i](DebugStopReason reason) {
            loop_.post([this, alive, i, reason] {
                if (alive.lock()) on_debug_stop(i, reason);
            });
        });
    }
    running_ = !machine.config().start_paused;
    listen_watch_ = loop_.watch_fd(listen_fd_, IoIn, [this](int, unsigned) { return on_listen_ready(); });
}

GdbStub::~GdbStub() {
    alive_.reset();
    // The vCPU threads are gone (or paused) by now: nothing calls the handlers concurrently.
    for (Thread& thread : threads_) thread.target->set_debug_stop_handler({});
    if (client_fd_ >= 0) {
        if (input_watch_) loop_.remove_watch(input_watch_);
        if (output_watch_) loop_.remove_watch(output_watch_);
        ::close(client_fd_);
    }
    if (listen_watch_) loop_.remove_watch(listen_watch_);
    if (listen_fd_ >= 0) ::close(listen_fd_);
}

void GdbStub::report_exit(int status) {
    if (client_fd_ < 0) return;
    char packet[8];
    std::snprintf(packet, sizeof packet, "W%02x", status & 0xff);
    send_packet(packet);
}

// --- Connection -----------------------------------------------------------------------------

bool GdbStub::on_listen_ready() {
    const int fd = ::accept4(listen_fd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
    if (fd < 0) return true;  // spurious wake-up or the client already went away
    const int on = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &on, sizeof on);
    client_fd_ = fd;
    reader_ = {};
    no_ack_ = false;
    close_when_flushed_ = false;
    last_packet_.clear();
    output_.clear();
    // As QEMU: an attaching debugger stops the guest.
    stop_guest();
    stop_signal_ = 5;
    input_watch_ = loop_.watch_fd(fd, IoIn | IoHup | IoErr, [this](int, unsigned) { return on_client_input(); });
    listen_watch_ = 0;
    return false;  // one client at a time: stop accepting until this one leaves
}

bool GdbStub::on_client_input() {
    char buffer[4096];
    const ssize_t n = ::read(client_fd_, buffer, sizeof buffer);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) return true;
    if (n <= 0) {
        input_watch_ = 0;  // removed by returning false
        disconnect();
        return false;
    }
    const int fd = client_fd_;
    for (ssize_t i = 0; i < n && client_fd_ == fd; ++i) handle_event(reader_.feed(buffer[i]));
    if (client_fd_ != fd) {
        input_watch_ = 0;
        return false;
    }
    return true;
}

void GdbStub::handle_event(gdb::PacketReader::Event event) {
    using Event = gdb::PacketReader::Event;
    switch (event) {
    case Event::Packet:
        if (!no_ack_) send_raw("+");
        handle_packet(reader_.packet());
        break;
    case Event::Nak:
        if (!last_packet_.empty()) send_raw(last_packet_);
        break;
    case Event::BadChecksum:
    case Event::TooLong:
        if (!no_ack_) send_raw("-");
        break;
    case Event::Interrupt:
        if (running_) {
            stop_guest();
            stop_signal_ = 2;  // SIGINT
            send_stop_reply();
        }
        break;
    case Event::Ack:
    case Event::None:
        break;
    }
}

void GdbStub::send_packet(std::string_view payload) {
    std::string framed = gdb::frame_packet(payload);
    send_raw(framed);
    if (!no_ack_) last_packet_ = std::move(framed);
}

void GdbStub::send_raw(std::string_view bytes) {
    if (client_fd_ < 0) return;
    output_ += bytes;
    flush_output();
}

void GdbStub::flush_output() {
    while (!output_.empty()) {
        const ssize_t n = ::send(client_fd_, output_.data(), output_.size(), MSG_NOSIGNAL);
        if (n > 0) {
            output_.erase(0, static_cast<std::size_t>(n));
            continue;
        }
        if (n < 0 && errno == EINTR) continue;
        if (n < 0 && errno == EAGAIN) break;
        output_.clear();  // the connection is broken; the input side notices and disconnects
        return;
    }
    if (output_.size() > kMaxQueuedOutput) {
        disconnect();
        return;
    }
    if (!output_.empty() && !output_watch_)
        output_watch_ = loop_.watch_fd(client_fd_, IoOut, [this](int, unsigned) { return on_client_writable(); });
    if (output_.empty() && close_when_flushed_) disconnect();
}

bool GdbStub::on_client_writable() {
    flush_output();
    if (client_fd_ < 0) return false;  // disconnect() already removed this watch
    if (!output_.empty()) return true;
    output_watch_ = 0;
    return false;
}

// The client left (or detached, or misbehaved): drop what it set up and let the guest run.
void GdbStub::disconnect() {
    if (client_fd_ < 0) return;
    if (input_watch_) loop_.remove_watch(input_watch_);
    if (output_watch_) loop_.remove_watch(output_watch_);
    input_watch_ = output_watch_ = 0;
    ::close(client_fd_);
    client_fd_ = -1;
    output_.clear();
    forget_breakpoints();
    if (!running_) resume_guest();
    listen_watch_ = loop_.watch_fd(listen_fd_, IoIn, [this](int, unsigned) { return on_listen_ready(); });
}

// --- Run control ----------------------------------------------------------------------------

void GdbStub::stop_guest() {
    if (running_) {
        machine_.stop();  // returns once every vCPU is idle
        loop_.virtual_clock().stop();
        running_ = false;
    }
    for (Thread& thread : threads_) thread.target->gdb_set_single_step(false);
}

void GdbStub::resume_guest() {
    running_ = true;
    loop_.virtual_clock().start();
    machine_.start();
}

void GdbStub::on_debug_stop(unsigned thread, DebugStopReason) {
    // Stopped already (another vCPU's stop was reported): the resume restarts this vCPU, which
    // then stops at its breakpoint again.
    if (!running_) return;
    if (client_fd_ < 0) {
        // Posted before the client left: the breakpoints are gone; let this vCPU go on.
        machine_.start();
        return;
    }
    stop_guest();
    current_ = thread;
    stop_signal_ = 5;  // SIGTRAP
    send_stop_reply();
}

void GdbStub::send_stop_reply() {
    char reply[32];
    std::snprintf(reply, sizeof reply, "T%02xthread:%x;", stop_signal_, current_ + 1);
    send_packet(reply);
}

// Breakpoints belong to the client: they go when it detaches or disconnects.
void GdbStub::forget_breakpoints() {
    const bool was_running = running_;
    stop_guest();
    for (Thread& thread : threads_) thread.target->gdb_remove_all_breakpoints();
    if (was_running) resume_guest();
}

}  // namespace emu
