// Composition only: the command line builds and wires the modules (src/cli/cli.cpp).
#include <iostream>
#include <string>
#include <vector>

#include "cli/cli.hpp"

int main(int argc, char** argv) {
    std::vector<std::string> args(argv, argv + argc);
    return dihya::cli::Main(args, std::cout, std::cerr);
}
