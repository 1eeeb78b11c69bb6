// chardev-file: output to a file (truncate or append), input from input-path, clear errors.
#include <fstream>
#include <sstream>

#include "support.h"

namespace chardev_test {
namespace {

std::string slurp(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

void spit(const std::string& path, const std::string& text) {
    std::ofstream(path, std::ios::binary) << text;
}

using FileTest = ChardevTest;

TEST_F(FileTest, WritesOutputToTheFile) {
    TempDir dir;
    const std::string path = dir.path("out.txt");
    emu::CharBackend& file = create("file", "f0", {{"path", path}});
    attach(file);
    write(file, "hello, ");
    write(file, std::string("world\n\0binary", 13));
    file.unrealize();
    EXPECT_EQ(slurp(path), std::string("hello, world\n\0binary", 20));
}

TEST_F(FileTest, TruncatesByDefault) {
    TempDir dir;
    const std::string path = dir.path("out.txt");
    spit(path, "old contents\n");
    emu::CharBackend& file = create("file", "f0", {{"path", path}});
    attach(file);
    write(file, "new");
    file.unrealize();
    EXPECT_EQ(slurp(path), "new");
}

TEST_F(FileTest, AppendKeepsWhatWasThere) {
    TempDir dir;
    const std::string path = dir.path("out.txt");
    spit(path, "first\n");
    emu::CharBackend& file = create("file", "f0", {{"path", path}, {"append", "on"}});
    attach(file);
    write(file, "second\n");
    file.unrealize();
    EXPECT_EQ(slurp(path), "first\nsecond\n");
}

TEST_F(FileTest, MissingPathIsAnError) {
    EXPECT_EQ(create_error("file", "f0", {}), "chardev-file 'f0': path= is required (the output file)");
}

TEST_F(FileTest, UnopenablePathIsAnError) {
    EXPECT_EQ(create_error("file", "f0", {{"path", "/nonexistent-dir/out.txt"}}),
              "chardev-file 'f0': cannot open '/nonexistent-dir/out.txt': No such file or directory");
    TempDir dir;
    EXPECT_EQ(create_error("file", "f1", {{"path", dir.path("")}}),
              "chardev-file 'f1': cannot open '" + dir.path("") + "': Is a directory");
    EXPECT_FALSE(root->resolve("/chardev/f0")->realized());
}

TEST_F(FileTest, UnopenableInputPathIsAnError) {
    TempDir dir;
    EXPECT_EQ(create_error("file", "f0", {{"path", dir.path("out")}, {"input-path", dir.path("nope")}}),
              "chardev-file 'f0': cannot open input '" + dir.path("nope") +
                  "': No such file or directory");
}

TEST_F(FileTest, ReadsInputPathThenStopsAtItsEnd) {
    TempDir dir;
    spit(dir.path("in.txt"), "typed input");
    emu::CharBackend& file =
        create("file", "f0", {{"path", dir.path("out")}, {"input-path", dir.path("in.txt")}});
    Sink& sink = attach(file);
    ASSERT_TRUE(run_until([&] { return sink.data == "typed input"; })) << sink.data;
    run_for(std::chrono::milliseconds(10));  // reads the end of file
    // End of file removed the watch: a regular file is always "readable", so a leftover watch
    // would dispatch on every iteration.
    EXPECT_EQ(run_for(std::chrono::milliseconds(30)), 0);
}

TEST_F(FileTest, InputRespectsFrontEndRoom) {
    TempDir dir;
    spit(dir.path("in.txt"), "0123456789");
    emu::CharBackend& file =
        create("file", "f0", {{"path", dir.path("out")}, {"input-path", dir.path("in.txt")}});
    Sink& sink = attach(file);
    sink.room = 3;
    ASSERT_TRUE(run_until([&] { return sink.data.size() == 3; }));
    EXPECT_EQ(run_for(std::chrono::milliseconds(20)), 0) << "no room: the fd is not watched";
    while (sink.data.size() < 10) {
        sink.room = 3;
        file.accept_input();
        const std::size_t before = sink.data.size();
        ASSERT_TRUE(run_until([&] { return sink.data.size() > before; })) << sink.data;
    }
    EXPECT_EQ(sink.data, "0123456789");
    EXPECT_FALSE(sink.overrun);
}

}  // namespace
}  // namespace chardev_test
