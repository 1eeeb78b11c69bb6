// emu running in the background for the gdb stub tests: started with a free TCP port for -gdb,
// its output collected in a file, killed when the test is done with it.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace emu::gdbtest {

using Millis = std::chrono::milliseconds;

class EmuProcess {
public:
    // Runs the emu under test with args (hermetic: only the build tree's plugins).
    explicit EmuProcess(const std::vector<std::string>& args);
    ~EmuProcess();  // kills it if it still runs
    EmuProcess(const EmuProcess&) = delete;
    EmuProcess& operator=(const EmuProcess&) = delete;

    // Waits up to timeout for the exit; true once it has exited.
    bool wait_exit(Millis timeout);
    bool running();
    int exit_status() const { return exit_status_; }  // -1 unless it exited normally
    std::string output() const;                        // stdout and stderr so far
    void signal(int sig);

private:
    pid_t pid_ = -1;
    bool reaped_ = false;
    int exit_status_ = -1;
    std::string output_file_;
};

// A TCP port nothing listens on right now (the kernel's choice).
int free_tcp_port();

// emu -gdb tcp::PORT ARGS... on a free port: retries with another port when emu lost the race
// for it. The port is in *port.
std::unique_ptr<EmuProcess> start_emu_with_gdb(const std::vector<std::string>& args, int* port);

// The guest program's symbols (arm-none-eabi-nm output written at build time).
std::uint32_t symbol(const std::string& name);

std::string emu_binary();
std::string target_elf();

}  // namespace emu::gdbtest
