#include "update/merge.hpp"

#include <git2/errors.h>
#include <git2/global.h>
#include <git2/merge.h>

#include "model/utf8.hpp"

namespace dihya::update {

namespace {

/// libgit2 must be initialised before use; the calls are counted and thread-safe, so each merge holds one.
class Libgit2 final {
public:
    Libgit2() : status_(git_libgit2_init()) {}
    ~Libgit2() {
        if (status_ >= 0) git_libgit2_shutdown();
    }
    Libgit2(const Libgit2&) = delete;
    Libgit2& operator=(const Libgit2&) = delete;
    bool ok() const { return status_ >= 0; }

private:
    int status_;
};

std::string LastError(std::string_view what) {
    const git_error* e = git_error_last();
    return std::string(what) + ": " + (e != nullptr && e->message != nullptr ? e->message : "libgit2 error");
}

git_merge_file_input Input(std::string_view text) {
    git_merge_file_input in = GIT_MERGE_FILE_INPUT_INIT;
    in.ptr = text.data();
    in.size = text.size();
    return in;
}

}  // namespace

bool IsText(std::string_view content) {
    return content.find('\0') == std::string_view::npos && model::utf8::FindInvalid(content) == std::string_view::npos;
}

Result<MergedText> MergeText(std::string_view base, std::string_view yours, std::string_view generated) {
    const Libgit2 library;
    if (!library.ok()) return MakeError(ErrorCode::kInternal, LastError("libgit2 initialisation"));
    const std::string our_label(kYoursLabel);
    const std::string their_label(kGeneratedLabel);
    git_merge_file_options options = GIT_MERGE_FILE_OPTIONS_INIT;
    options.our_label = our_label.c_str();
    options.their_label = their_label.c_str();
    options.favor = GIT_MERGE_FILE_FAVOR_NORMAL;
    options.flags = GIT_MERGE_FILE_STYLE_MERGE;
    const git_merge_file_input ancestor = Input(base);
    const git_merge_file_input ours = Input(yours);
    const git_merge_file_input theirs = Input(generated);
    git_merge_file_result result{};
    if (git_merge_file(&result, &ancestor, &ours, &theirs, &options) != 0) {
        return MakeError(ErrorCode::kInternal, LastError("three-way merge"));
    }
    MergedText out;
    if (result.ptr != nullptr) out.text.assign(result.ptr, result.len);
    out.clean = result.automergeable != 0;
    git_merge_file_result_free(&result);
    return out;
}

}  // namespace dihya::update
