// -object filter-dump,id=F,netdev=ID,file=PATH[,maxlen=N][,queue=all|rx|tx] (type
// "filter-dump"), as QEMU: every frame passing through the back end ID is appended to a pcap
// file (libpcap format, nanosecond timestamps, LINKTYPE_ETHERNET) that Wireshark and tshark
// open. maxlen= caps the bytes kept of each frame (the record still says the full length).
// queue=rx keeps only frames going into the back end (from its NIC), tx only frames coming out
// of it, all (the default) both. Each frame is written as it passes, with one writev(), so the
// file is whole even if emu is killed.
#include <fcntl.h>
#include <sys/uio.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <iostream>
#include <optional>
#include <string>

#include <emu/device.h>
#include <emu/error.h>
#include <emu/net.h>
#include <emu/property.h>

#include "net_hub.h"

namespace emu_net_hub {
namespace {

enum class Queue { All, Rx, Tx };

class FilterDump final : public emu::Device {
public:
    ~FilterDump() override { close_file(); }

    static void class_init(emu::ClassBuilder<FilterDump>& c) {
        c.backend("netdev", &FilterDump::netdev_, "netdev", "the back end whose frames are dumped");
        c.string("file", &FilterDump::file_, std::nullopt, "the pcap file to write (replaced if it exists)");
        c.integer("maxlen", &FilterDump::maxlen_, std::uint32_t{65536}, "bytes kept of each frame")
            .range(1, std::uint32_t{1} << 20);
        c.enumeration("queue", &FilterDump::queue_, {{"all", Queue::All}, {"rx", Queue::Rx}, {"tx", Queue::Tx}},
                      Queue::All, "rx: frames into the back end, tx: frames out of it, all: both");
    }

protected:
    void do_realize() override {
        if (!netdev_) fail("needs netdev= (the back end to dump)");
        if (file_.empty()) fail("needs file= (where to write the dump)");
        fd_ = ::open(file_.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
        if (fd_ < 0) fail("cannot create '" + file_ + "': " + std::strerror(errno));
        const auto header = emu::net::pcap_file_header(maxlen_);
        if (!write_all(header.data(), header.size())) {
            const int error = errno;
            close_file();
            fail("cannot write '" + file_ + "': " + std::strerror(error));
        }
        tap_ = netdev_->add_tap([this](emu::NetClient::Direction direction, std::span<const std::uint8_t> frame) {
            const bool incoming = direction == emu::NetClient::Direction::Received;
            if (queue_ == Queue::All || (queue_ == Queue::Rx) == incoming) record(frame);
        });
    }

    void do_unrealize() override {
        if (tap_ && netdev_) netdev_->remove_tap(*tap_);
        tap_.reset();
        close_file();
    }

private:
    [[noreturn]] void fail(const std::string& what) const { throw emu::Error(display_name() + ": " + what); }

    bool write_all(const std::uint8_t* data, std::size_t length) {
        while (length > 0) {
            const ssize_t n = ::write(fd_, data, length);
            if (n < 0 && errno == EINTR) continue;
            if (n <= 0) return false;
            data += n;
            length -= static_cast<std::size_t>(n);
        }
        return true;
    }

    void record(std::span<const std::uint8_t> frame) {
        if (fd_ < 0) return;
        const auto now = std::chrono::system_clock::now().time_since_epoch();
        const auto captured = static_cast<std::uint32_t>(std::min<std::size_t>(frame.size(), maxlen_));
        auto header = emu::net::pcap_record_header(
            std::chrono::duration_cast<std::chrono::nanoseconds>(now).count(), captured,
            static_cast<std::uint32_t>(frame.size()));
        iovec parts[2] = {{header.data(), header.size()},
                          {const_cast<std::uint8_t*>(frame.data()), captured}};
        const ssize_t n = ::writev(fd_, parts, 2);
        if (n != static_cast<ssize_t>(header.size() + captured)) {
            // A short or failed write would corrupt every record after it: stop dumping.
            std::cerr << "emu: " << display_name() << ": cannot write '" << file_ << "': "
                      << (n < 0 ? std::strerror(errno) : "short write") << "; dump stopped\n";
            close_file();
        }
    }

    void close_file() {
        if (fd_ >= 0) ::close(fd_);
        fd_ = -1;
    }

    emu::NetBackend* netdev_ = nullptr;
    std::string file_;
    std::uint32_t maxlen_ = 65536;
    Queue queue_ = Queue::All;
    int fd_ = -1;
    std::optional<emu::NetClient::TapId> tap_;
};

}  // namespace

void register_filter_dump(emu::TypeBatch& types) {
    types.add({.name = "filter-dump",
               .parent = "device",
               .user_creatable = false,  // -object creates it, not -device
               .interfaces = {"user-creatable"},
               .category = emu::Category::Network,
               .description = "write the frames of a network back end to a pcap file",
               .factory = emu::factory_of<FilterDump>(),
               .class_init = emu::class_init_of<FilterDump>(&FilterDump::class_init)});
}

}  // namespace emu_net_hub
