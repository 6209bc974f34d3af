#include "collab/repository.hpp"

#include "collab/embedded.hpp"
#include "storage/named_queries.hpp"
#include "storage/params.hpp"

namespace dihya::collab {

namespace {

const storage::NamedQueries& Q() {
    static const storage::NamedQueries q =
        storage::NamedQueries::Parse(sql::EmbeddedFile("queries/collab.sql"), "collab/queries/collab.sql");
    return q;
}

storage::Blob BlobOf(const std::string& data) {
    return storage::Blob{std::vector<std::uint8_t>(data.begin(), data.end())};
}

Result<std::int64_t> LastSeq(storage::Session& s, const std::string& project_id) {
    auto r = storage::Query(s, Q()["last_seq"], project_id);
    if (!r) return r.take_error();
    return r->empty() ? 0 : r->GetInt(0, "seq").value_or(0);
}

}  // namespace

Result<std::vector<UpdateRow>> CollabRepository::Load(S& s, const std::string& project_id) const {
    auto r = storage::Query(s, Q()["load_updates"], project_id);
    if (!r) return r.take_error();
    std::vector<UpdateRow> out;
    out.reserve(r->size());
    for (std::size_t i = 0; i < r->size(); ++i) {
        out.push_back({r->GetInt(i, "seq").value_or(0), r->GetText(i, "data").value_or("")});
    }
    return out;
}

Result<std::int64_t> CollabRepository::Append(S& s, const std::string& project_id, const std::string& data,
                                              const std::string& now) const {
    auto last = LastSeq(s, project_id);
    if (!last) return last.take_error();
    const std::int64_t seq = *last + 1;
    auto r = storage::Execute(s, Q()["insert_update"], project_id, seq, BlobOf(data), now);
    if (!r) return r.take_error();
    return seq;
}

Result<std::int64_t> CollabRepository::Compact(S& s, const std::string& project_id, std::int64_t through,
                                               const std::string& merged, const std::string& now) const {
    auto last = LastSeq(s, project_id);
    if (!last) return last.take_error();
    const std::int64_t seq = *last + 1;
    if (auto r = storage::Execute(s, Q()["insert_update"], project_id, seq, BlobOf(merged), now); !r) {
        return r.take_error();
    }
    if (auto r = storage::Execute(s, Q()["delete_updates_through"], project_id, through); !r) return r.take_error();
    return seq;
}

}  // namespace dihya::collab
