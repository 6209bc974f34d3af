#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace dihya::cli {

int Serve(const std::vector<std::string>& args, std::ostream& err);
int OpenApi(std::ostream& out, std::ostream& err);
/// dihya user create --email E --role admin|user|guest --password-stdin [--display-name N]
int User(const std::vector<std::string>& args, std::istream& in, std::ostream& out, std::ostream& err);
/// dihya keys rotate [--signing-key]
int Keys(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
/// dihya backup --out FILE | backup verify FILE
int Backup(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
/// dihya restore FILE [--force]
int Restore(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
/// dihya jobs list | pause NAME | resume NAME | run NAME | history NAME
int Jobs(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

/// dihya pack export NAME|DIR --format json|yaml|js [--out FILE]
int PackExport(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);
/// dihya pack import FILE --into DIR
int PackImport(const std::vector<std::string>& args, std::ostream& out, std::ostream& err);

}  // namespace dihya::cli
