// Pack documents (src/packs/document.hpp): the first byte picks the format (JSON, YAML, the data form of a
// JavaScript module), the rest is the document. A document that parses and passes its checks must write back in
// each of the three formats and read back as the same pack (the import/export round trip is lossless).

#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_support.hpp"
#include "packs/document.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
    if (size == 0) return 0;
    const dihya::packs::Format formats[] = {dihya::packs::Format::kJson, dihya::packs::Format::kYaml,
                                            dihya::packs::Format::kJs};
    const auto format = formats[data[0] % 3];
    const std::string_view text = dihya::fuzz::AsText(data + 1, size - 1);
    dihya::packs::Limits limits;
    limits.max_bytes = 1 << 20;
    auto doc = dihya::packs::ParseDocument(text, format, "fuzz", limits);
    if (!doc) {
        dihya::fuzz::Check(!doc.error().message.empty(), "a document error without a message");
        return 0;
    }
    if (!dihya::packs::CheckDocument(*doc, "fuzz", limits)) return 0;
    const std::string digest = dihya::packs::Digest(*doc);
    for (const auto f : formats) {
        auto back = dihya::packs::ParseDocument(dihya::packs::ToText(*doc, f), f, "round trip", limits);
        dihya::fuzz::Check(back.ok(), "a checked document does not read back");
        dihya::fuzz::Check(dihya::packs::Digest(*back) == digest, "a document changed on its round trip");
    }
    return 0;
}
