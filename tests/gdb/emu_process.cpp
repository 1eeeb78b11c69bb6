#include "emu_process.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <thread>

extern char** environ;

namespace emu::gdbtest {

std::string emu_binary() { return EMU_BINARY; }
std::string target_elf() { return GDB_TARGET_ELF; }

EmuProcess::EmuProcess(const std::vector<std::string>& args) {
    char name[] = "/tmp/emu-gdb-test-XXXXXX";
    const int out = ::mkstemp(name);
    if (out < 0) throw std::runtime_error("mkstemp failed");
    output_file_ = name;
    std::vector<std::string> strings{emu_binary()};
    strings.insert(strings.end(), args.begin(), args.end());
    std::vector<char*> argv;
    for (auto& s : strings) argv.push_back(s.data());
    argv.push_back(nullptr);
    // Hermetic: no plugins from the user's directories, C locale.
    std::vector<std::string> env_strings;
    for (char** e = environ; *e; ++e) {
        const std::string entry = *e;
        if (entry.rfind("EMU_PLUGIN_PATH=", 0) == 0 || entry.rfind("XDG_DATA_HOME=", 0) == 0) continue;
        env_strings.push_back(entry);
    }
    env_strings.push_back("XDG_DATA_HOME=/nonexistent/emu-gdb-test");
    env_strings.push_back("LC_ALL=C");
    std::vector<char*> envp;
    for (auto& s : env_strings) envp.push_back(s.data());
    envp.push_back(nullptr);
    pid_ = ::fork();
    if (pid_ < 0) throw std::runtime_error("fork failed");
    if (pid_ == 0) {
        const int null = ::open("/dev/null", O_RDONLY);
        ::dup2(null, 0);
        ::dup2(out, 1);
        ::dup2(out, 2);
        ::execve(argv[0], argv.data(), envp.data());
        ::_exit(127);
    }
    ::close(out);
}

EmuProcess::~EmuProcess() {
    if (running()) {
        ::kill(pid_, SIGKILL);
        wait_exit(Millis(5000));
    }
    ::unlink(output_file_.c_str());
}

bool EmuProcess::running() {
    if (reaped_) return false;
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        reaped_ = true;
        exit_status_ = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        return false;
    }
    return true;
}

bool EmuProcess::wait_exit(Millis timeout) {
    const auto end = std::chrono::steady_clock::now() + timeout;
    while (running()) {
        if (std::chrono::steady_clock::now() > end) return false;
        std::this_thread::sleep_for(Millis(10));
    }
    return true;
}

void EmuProcess::signal(int sig) {
    if (running()) ::kill(pid_, sig);
}

std::string EmuProcess::output() const {
    std::ifstream in(output_file_);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
}

int free_tcp_port() {
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    socklen_t length = sizeof address;
    if (fd < 0 || ::bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
        ::getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0)
        throw std::runtime_error("cannot find a free TCP port");
    ::close(fd);
    return ntohs(address.sin_port);
}

std::unique_ptr<EmuProcess> start_emu_with_gdb(const std::vector<std::string>& args, int* port) {
    for (int attempt = 0;; ++attempt) {
        *port = free_tcp_port();
        std::vector<std::string> all{"-gdb", "tcp::" + std::to_string(*port)};
        all.insert(all.end(), args.begin(), args.end());
        auto emu = std::make_unique<EmuProcess>(all);
        // emu either listens (keeps running) or fails at once; give a failure time to show.
        emu->wait_exit(Millis(200));
        if (emu->running() || attempt == 5 || emu->output().find("in use") == std::string::npos) return emu;
    }
}

std::uint32_t symbol(const std::string& name) {
    std::ifstream in(GDB_TARGET_SYMBOLS);
    for (std::string line; std::getline(in, line);) {
        std::istringstream fields(line);
        std::string address, type, symbol_name;
        if (fields >> address >> type >> symbol_name && symbol_name == name)
            return static_cast<std::uint32_t>(std::stoul(address, nullptr, 16));
    }
    throw std::runtime_error("no symbol " + name + " in " + GDB_TARGET_SYMBOLS);
}

}  // namespace emu::gdbtest
