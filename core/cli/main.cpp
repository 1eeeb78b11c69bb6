#include "run.h"

int main(int argc, char** argv) { return emu::cli::run(argc, argv); }
