#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace dihya::cli {

/// Runs the `dihya` command line. Exit codes: 0 ok, 1 runtime failure, 2 bad usage or input, 3 `update` finished
/// with conflicts left to resolve.
int Main(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace dihya::cli
