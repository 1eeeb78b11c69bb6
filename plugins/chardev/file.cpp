// chardev-file: guest output to a file (truncated, or appended to with append=on); optional
// input from another file (input-path=, as QEMU's). Input stops at end of file.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>

#include "chardev_common.h"

namespace emu_chardev {
namespace {

class FileChardev final : public CharIo {
public:
    ~FileChardev() override {
        stop_loop_io();
        close_files();
    }

    void write(const std::uint8_t* data, std::size_t length) override { output(data, length); }

    static void class_init(emu::ClassBuilder<FileChardev>& c) {
        c.string("path", &FileChardev::path_, std::nullopt,
                 "file that receives the output (required; created if missing)");
        c.boolean("append", &FileChardev::append_, false,
                  "append to the file instead of truncating it");
        c.string("input-path", &FileChardev::input_path_, std::nullopt,
                 "file to read input from (optional; input ends at its end)");
    }

protected:
    void do_realize() override {
        if (path_.empty()) throw emu::Error(display_name() + ": path= is required (the output file)");
        const int flags = O_WRONLY | O_CREAT | O_CLOEXEC | (append_ ? O_APPEND : O_TRUNC);
        const int out = ::open(path_.c_str(), flags, 0666);
        if (out < 0)
            throw emu::Error(display_name() + ": cannot open '" + path_ + "': " + error_text(errno));
        int in = -1;
        if (!input_path_.empty()) {
            in = ::open(input_path_.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
            if (in < 0) {
                const int error = errno;
                ::close(out);
                throw emu::Error(display_name() + ": cannot open input '" + input_path_ +
                                 "': " + error_text(error));
            }
        }
        set_output(out, false);
        input_fd_ = in;
    }

    void do_unrealize() override {
        drain_output();
        stop_loop_io();
        close_files();
    }

    void start_io() override { start_input(input_fd_, false); }

private:
    void close_files() {
        if (output_fd() >= 0) ::close(output_fd());
        stop_output();
        if (input_fd_ >= 0) ::close(input_fd_);
        input_fd_ = -1;
    }

    std::string path_;
    bool append_ = false;
    std::string input_path_;
    int input_fd_ = -1;
};

}  // namespace

void register_file(emu::TypeBatch& types) {
    types.add({.name = "chardev-file",
               .parent = "chardev",
               .description = "output to a file; optional input from another (input-path=)",
               .factory = emu::factory_of<FileChardev>(),
               .class_init = emu::class_init_of<FileChardev>(&FileChardev::class_init)});
}

}  // namespace emu_chardev
