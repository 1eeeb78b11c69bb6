// The gdb remote stub (-s, -gdb tcp::PORT): a TCP server on the event loop that speaks gdb's
// remote serial protocol (all-stop mode) to one client at a time and drives the machine's CPUs
// through their GdbTarget side (emu/gdb.h). Each vCPU is one thread, numbered from 1.
//
// Run control follows QEMU: a connecting gdb stops the guest; c/s/vCont resume every vCPU; a
// breakpoint or finished step on any vCPU, or Ctrl-C, stops them all (the accelerator's pause)
// and the virtual clock with them; D and a disconnect remove the breakpoints and resume; k ends
// emu. Packets that are malformed or unknown get an error or empty reply, never a crash.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "emu/event_loop.h"
#include "emu/gdb.h"
#include "gdb_protocol.h"

namespace emu {

class Cpu;
class Machine;

// What -gdb names: "tcp::PORT" (every interface) or "tcp:HOST:PORT".
struct GdbListenSpec {
    std::string host;
    std::uint16_t port = 0;
};
// Throws Error "-gdb SPEC: ..." for anything else.
GdbListenSpec parse_gdb_spec(const std::string& spec);
// A listening, non-blocking TCP socket. Throws Error naming the spec (port in use...).
int gdb_listen(const std::string& spec, const GdbListenSpec& where);

class GdbStub {
public:
    // Listens at once; the guest keeps the run state it has (-S or not) until gdb connects.
    // Throws Error (one line, prefixed "-gdb SPEC:") when the spec is malformed, the port
    // cannot be used or a CPU cannot be debugged.
    GdbStub(Machine& machine, const std::string& spec);
    ~GdbStub();
    GdbStub(const GdbStub&) = delete;
    GdbStub& operator=(const GdbStub&) = delete;

    // The guest ended with this exit status: tell a connected gdb ("W" packet).
    void report_exit(int status);

private:
    struct Thread {
        Cpu* cpu;
        GdbTarget* target;
    };

    // Connection (gdbstub.cpp)
    bool on_listen_ready();
    bool on_client_input();
    bool on_client_writable();
    void handle_event(gdb::PacketReader::Event event);
    void send_packet(std::string_view payload);
    void send_raw(std::string_view bytes);
    void flush_output();
    void disconnect();

    // Run control (gdbstub.cpp)
    void stop_guest();
    void resume_guest();
    void on_debug_stop(unsigned thread, DebugStopReason reason);
    void send_stop_reply();
    void forget_breakpoints();

    // Commands (gdb_commands.cpp)
    void handle_packet(std::string_view packet);
    std::string handle_query(std::string_view packet);
    std::string handle_vcont(std::string_view actions);
    std::string read_registers();
    std::string write_registers(std::string_view hex);
    std::string read_register(std::string_view args);
    std::string write_register(std::string_view args);
    std::string read_memory(std::string_view args);
    std::string write_memory(std::string_view args, bool binary);
    std::string change_breakpoint(std::string_view args, bool insert);
    std::string set_thread(std::string_view args);
    std::string xfer_features(std::string_view args);
    std::string thread_extra_info(std::string_view args);
    // Resume with thread `step` single-stepping (or none); an address sets its PC first.
    std::string resume(std::optional<unsigned> step, std::string_view address);
    // A thread id from gdb: 1-based; -1 (all) and 0 (any) are mapped by the callers.
    std::optional<unsigned> thread_from_id(std::string_view id) const;
    GdbTarget& current() { return *threads_[current_].target; }

    Machine& machine_;
    EventLoop& loop_;
    std::string spec_;
    std::vector<Thread> threads_;
    std::shared_ptr<GdbStub*> alive_;  // posted stop events check it

    int listen_fd_ = -1;
    EventLoop::WatchId listen_watch_ = 0;
    int client_fd_ = -1;
    EventLoop::WatchId input_watch_ = 0;
    EventLoop::WatchId output_watch_ = 0;
    std::string output_;
    std::string last_packet_;  // for a '-' from gdb
    gdb::PacketReader reader_;
    bool no_ack_ = false;
    bool close_when_flushed_ = false;

    bool running_ = false;     // the guest runs (as far as the stub is concerned)
    unsigned current_ = 0;     // thread for g/p/m (Hg) and the last stop
    std::optional<unsigned> step_thread_;  // Hc: the thread 's' steps (none: the current one)
    int stop_signal_ = 5;      // SIGTRAP; SIGINT after Ctrl-C
};

}  // namespace emu
