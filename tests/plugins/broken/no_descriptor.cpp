// An ordinary shared object that is not an emu plugin.
extern "C" int not_a_plugin() { return 42; }
