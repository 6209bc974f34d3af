// Composition only: the command line builds and wires the modules (src/cli/cli.cpp).
#include <iostream>
#include <string>
#include <vector>

#include <malloc.h>

#include "cli/cli.hpp"

int main(int argc, char** argv) {
    // Keep freed memory instead of returning it to the kernel after every archive entry: zlib
    // allocates ~256 KiB per entry, and trimming each time made a small zip 50x slower.
    mallopt(M_TRIM_THRESHOLD, 64 << 20);
    std::vector<std::string> args(argv, argv + argc);
    return dihya::cli::Main(args, std::cout, std::cerr);
}
