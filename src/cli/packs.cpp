// dihya pack export NAME|DIR --format json|yaml|js [--out FILE]; dihya pack import FILE --into DIR.

#include <fstream>

#include "catalog/catalog.hpp"
#include "cli/commands.hpp"
#include "cli/common.hpp"
#include "core/config.hpp"
#include "packs/document.hpp"
#include "packs/library.hpp"
#include "plugins/sandbox.hpp"

namespace dihya::cli {

namespace fs = std::filesystem;

namespace {

constexpr const char* kExportUsage = "usage: dihya pack export NAME|DIR --format json|yaml|js [--out FILE]\n";
constexpr const char* kImportUsage = "usage: dihya pack import FILE --into DIR\n";

/// `--name value` pairs after args[from], and the one positional argument.
bool Options(const std::vector<std::string>& args, std::size_t from, std::map<std::string, std::string>& options,
             std::string& positional) {
    for (std::size_t i = from; i < args.size(); ++i) {
        if (args[i].starts_with("--")) {
            if (i + 1 >= args.size()) return false;
            options[args[i]] = args[i + 1];
            ++i;
        } else if (positional.empty()) {
            positional = args[i];
        } else {
            return false;
        }
    }
    return !positional.empty();
}

}  // namespace

int PackExport(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    std::map<std::string, std::string> options;
    std::string target;
    if (!Options(args, 3, options, target)) {
        err << kExportUsage;
        return kUsage;
    }
    for (const auto& [key, value] : options) {
        if (key != "--format" && key != "--out") {
            err << "dihya pack export: unknown option " << key << "\n" << kExportUsage;
            return kUsage;
        }
    }
    std::optional<packs::Format> format = packs::Format::kJson;
    if (options.contains("--format")) {
        format = packs::FormatNamed(options["--format"]);
    } else if (options.contains("--out")) {
        format = packs::FormatOfPath(options["--out"]);
        if (!format) format = packs::Format::kJson;
    }
    if (!format) {
        err << "dihya pack export: --format: json, yaml or js\n";
        return kUsage;
    }
    std::error_code ec;
    Result<packs::PackDocument> doc = MakeError(ErrorCode::kNotFound, "");
    if (fs::exists(target, ec)) {
        doc = packs::ReadPack(target);
    } else {
        auto config = LoadConfig(ConfigSources{});
        if (!config) {
            err << "dihya: invalid configuration: " << config.error().message << "\n";
            return kUsage;
        }
        doc = packs::ExportInstalledPack(config->packs_dir, target);
    }
    if (!doc) {
        err << "dihya pack export: " << doc.error().message << "\n";
        return kUsage;
    }
    if (auto ok = packs::CheckDocument(*doc, target); !ok) {
        err << "dihya pack export: " << ok.error().message << "\n";
        return kUsage;
    }
    const std::string text = packs::ToText(*doc, *format);
    if (!options.contains("--out") || options["--out"] == "-") {
        out << text;
        return kOk;
    }
    const fs::path file = options["--out"];
    const fs::path tmp = file.string() + ".tmp";
    {
        std::ofstream f(tmp, std::ios::binary | std::ios::trunc);
        f << text;
        f.close();
        if (!f) {
            err << "dihya pack export: " << file.string() << ": cannot write\n";
            fs::remove(tmp, ec);
            return kFailure;
        }
    }
    fs::rename(tmp, file, ec);
    if (ec) {
        err << "dihya pack export: " << file.string() << ": " << ec.message() << "\n";
        return kFailure;
    }
    out << "exported " << doc->kind() << " pack " << doc->name() << " " << doc->version() << " (" << doc->files.size()
        << " files) to " << file.string() << " as " << packs::NameOf(*format) << "; sha256 " << packs::Digest(*doc)
        << "\n";
    return kOk;
}

int PackImport(const std::vector<std::string>& args, std::ostream& out, std::ostream& err) {
    std::map<std::string, std::string> options;
    std::string source;
    if (!Options(args, 3, options, source) || !options.contains("--into") || options.size() != 1) {
        err << kImportUsage;
        return kUsage;
    }
    auto read = ReadSpec(source);
    if (!read) {
        err << "dihya pack import: " << read.error().message << "\n";
        return kUsage;
    }
    const std::string& text = *read;
    // By the extension; else by the first character: { is JSON, "export" or a comment is JavaScript, else YAML.
    std::optional<packs::Format> format = packs::FormatOfPath(source);
    if (!format) {
        const auto first = text.find_first_not_of(" \t\r\n");
        if (first != std::string::npos && text[first] == '{') {
            format = packs::Format::kJson;
        } else if (text.compare(first == std::string::npos ? 0 : first, 6, "export") == 0 ||
                   text.compare(first == std::string::npos ? 0 : first, 2, "//") == 0) {
            format = packs::Format::kJs;
        } else {
            format = packs::Format::kYaml;
        }
    }
    const std::string origin = source == "-" ? "stdin" : source;
    auto doc = packs::ParseDocument(text, *format, origin, {}, plugins::ModuleEvaluator(plugins::HostPath(""), {}));
    if (!doc) {
        err << "dihya pack import: " << doc.error().message << "\n";
        return kUsage;
    }
    if (auto ok = packs::CheckDocument(*doc, origin); !ok) {
        err << "dihya pack import: " << ok.error().message << "\n";
        return kUsage;
    }
    auto config = LoadConfig(ConfigSources{});
    auto cat = catalog::BuiltinCatalog();
    if (config && cat) {
        if (auto ok = packs::LintDocument(*doc, config->packs_dir, catalog::ToVocabulary(*cat)); !ok) {
            err << "dihya pack import: " << origin << ": " << ok.error().message << "\n";
            return kUsage;
        }
    }
    auto written = packs::WritePack(*doc, options["--into"]);
    if (!written) {
        err << "dihya pack import: " << written.error().message << "\n";
        return written.error().code == ErrorCode::kAlreadyExists ? kUsage : kFailure;
    }
    out << "imported " << doc->kind() << " pack " << doc->name() << " " << doc->version() << " (" << doc->files.size()
        << " files) into " << written->string() << "\n";
    return kOk;
}

}  // namespace dihya::cli
