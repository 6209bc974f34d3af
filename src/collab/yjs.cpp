#include "collab/yjs.hpp"

#include <algorithm>
#include <deque>
#include <set>
#include <utility>

namespace dihya::collab::yjs {

namespace {

constexpr std::uint64_t kMaxSafe = (std::uint64_t{1} << 53) - 1;  // lib0 numbers are JavaScript numbers

Error Malformed(std::string what) {
    return MakeError(ErrorCode::kInvalidArgument, "malformed Yjs message: " + std::move(what));
}

// ---- lib0 decoding ----

class Decoder {
public:
    explicit Decoder(std::string_view bytes) : b_(bytes) {}
    bool done() const { return pos_ >= b_.size(); }
    std::size_t pos() const { return pos_; }
    std::string_view bytes() const { return b_; }

    Result<std::uint8_t> U8() {
        if (pos_ >= b_.size()) return Malformed("unexpected end");
        return static_cast<std::uint8_t>(b_[pos_++]);
    }
    Result<std::uint64_t> VarUint() {
        std::uint64_t num = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            if (pos_ >= b_.size()) return Malformed("unexpected end");
            const auto r = static_cast<std::uint8_t>(b_[pos_++]);
            num |= static_cast<std::uint64_t>(r & 0x7f) << shift;
            if (r < 0x80) {
                if (num > kMaxSafe) return Malformed("number out of range");
                return num;
            }
            if (shift >= 49) return Malformed("number out of range");
        }
        return Malformed("number out of range");
    }
    Result<void> VarInt() {  // only skipped (Any values are kept as bytes)
        auto first = U8();
        if (!first) return first.take_error();
        if ((*first & 0x80) == 0) return Ok();
        for (int i = 0; i < 8; ++i) {
            auto r = U8();
            if (!r) return r.take_error();
            if (*r < 0x80) return Ok();
        }
        return Malformed("number out of range");
    }
    Result<std::string_view> Bytes(std::size_t n) {
        if (n > b_.size() - pos_) return Malformed("length past the end");
        auto out = b_.substr(pos_, n);
        pos_ += n;
        return out;
    }
    Result<std::string_view> VarBytes() {
        auto n = VarUint();
        if (!n) return n.take_error();
        return Bytes(static_cast<std::size_t>(std::min<std::uint64_t>(*n, b_.size() + 1)));
    }
    /// Skips one lib0 `any` value.
    Result<void> SkipAny(std::size_t depth, std::size_t max_depth) {
        if (depth > max_depth) return Malformed("values nested too deep");
        auto tag = U8();
        if (!tag) return tag.take_error();
        switch (*tag) {
            case 127:
            case 126:
            case 121:
            case 120: return Ok();
            case 125: return VarInt();
            case 124:
                if (auto b = Bytes(4); !b) return b.take_error();
                return Ok();
            case 123:
            case 122:
                if (auto b = Bytes(8); !b) return b.take_error();
                return Ok();
            case 119:
            case 116:
                if (auto b = VarBytes(); !b) return b.take_error();
                return Ok();
            case 118:
            case 117: {
                auto n = VarUint();
                if (!n) return n.take_error();
                for (std::uint64_t i = 0; i < *n; ++i) {
                    if (done()) return Malformed("unexpected end");
                    if (*tag == 118) {
                        if (auto k = VarBytes(); !k) return k.take_error();
                    }
                    if (auto v = SkipAny(depth + 1, max_depth); !v) return v;
                }
                return Ok();
            }
            default: return Malformed("unknown value tag " + std::to_string(*tag));
        }
    }

private:
    std::string_view b_;
    std::size_t pos_ = 0;
};

void PutVarUint(std::string& out, std::uint64_t n) {
    while (n >= 0x80) {
        out.push_back(static_cast<char>(0x80 | (n & 0x7f)));
        n >>= 7;
    }
    out.push_back(static_cast<char>(n));
}

void PutVarBytes(std::string& out, std::string_view s) {
    PutVarUint(out, s.size());
    out.append(s);
}

// ---- UTF-8 ⇄ UTF-16 as JavaScript's TextEncoder/TextDecoder do (invalid input → U+FFFD) ----

std::u16string ToUtf16(std::string_view s) {
    std::u16string out;
    out.reserve(s.size());
    std::size_t i = 0;
    while (i < s.size()) {
        const auto c = static_cast<unsigned char>(s[i]);
        std::uint32_t cp = 0xfffd;
        std::size_t n = 1;
        std::size_t need = 0;
        std::uint32_t min = 0;
        if (c < 0x80) {
            cp = c;
        } else if (c >= 0xc2 && c <= 0xdf) {
            need = 1, cp = c & 0x1f, min = 0x80;
        } else if (c >= 0xe0 && c <= 0xef) {
            need = 2, cp = c & 0x0f, min = 0x800;
        } else if (c >= 0xf0 && c <= 0xf4) {
            need = 3, cp = c & 0x07, min = 0x10000;
        }
        if (need > 0) {
            bool ok = true;
            for (std::size_t k = 1; k <= need; ++k) {
                const auto cc = i + k < s.size() ? static_cast<unsigned char>(s[i + k]) : 0;
                if ((cc & 0xc0) != 0x80) {
                    ok = false;
                    break;
                }
                cp = (cp << 6) | (cc & 0x3f);
            }
            if (ok && cp >= min && cp <= 0x10ffff && !(cp >= 0xd800 && cp <= 0xdfff)) {
                n = need + 1;
            } else {
                cp = 0xfffd;  // one replacement per bad byte (TextDecoder merges some; only hostile input has any)
            }
        }
        if (cp >= 0x10000) {
            cp -= 0x10000;
            out.push_back(static_cast<char16_t>(0xd800 + (cp >> 10)));
            out.push_back(static_cast<char16_t>(0xdc00 + (cp & 0x3ff)));
        } else {
            out.push_back(static_cast<char16_t>(cp));
        }
        i += n;
    }
    return out;
}

void AppendUtf8(std::string& out, std::uint32_t cp) {
    if (cp < 0x80) {
        out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
        out.push_back(static_cast<char>(0xc0 | (cp >> 6)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
    } else if (cp < 0x10000) {
        out.push_back(static_cast<char>(0xe0 | (cp >> 12)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
    } else {
        out.push_back(static_cast<char>(0xf0 | (cp >> 18)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3f)));
        out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3f)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3f)));
    }
}

std::string ToUtf8(std::u16string_view s) {
    std::string out;
    out.reserve(s.size());
    for (std::size_t i = 0; i < s.size(); ++i) {
        std::uint32_t c = s[i];
        if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.size() && s[i + 1] >= 0xdc00 && s[i + 1] <= 0xdfff) {
            c = 0x10000 + ((c - 0xd800) << 10) + (s[i + 1] - 0xdc00);
            ++i;
        } else if (c >= 0xd800 && c <= 0xdfff) {
            c = 0xfffd;
        }
        AppendUtf8(out, c);
    }
    return out;
}

// ---- structs ----

Result<Id> ReadId(Decoder& d) {
    auto client = d.VarUint();
    if (!client) return client.take_error();
    auto clock = d.VarUint();
    if (!clock) return clock.take_error();
    return Id{*client, *clock};
}

/// The content of an item: sets s.length and the content fields.
Result<void> ReadContent(Decoder& d, Struct& s, const Limits& limits) {
    const std::size_t start = d.pos();
    switch (s.ref) {
        case Ref::kDeleted: {
            auto n = d.VarUint();
            if (!n) return n.take_error();
            s.length = *n;
            return Ok();
        }
        case Ref::kJson: {
            auto n = d.VarUint();
            if (!n) return n.take_error();
            for (std::uint64_t i = 0; i < *n; ++i) {
                const std::size_t at = d.pos();
                if (auto e = d.VarBytes(); !e) return e.take_error();
                s.elements.emplace_back(d.bytes().substr(at, d.pos() - at));
            }
            s.length = *n;
            return Ok();
        }
        case Ref::kAny: {
            auto n = d.VarUint();
            if (!n) return n.take_error();
            for (std::uint64_t i = 0; i < *n; ++i) {
                const std::size_t at = d.pos();
                if (auto e = d.SkipAny(0, limits.max_depth); !e) return e;
                s.elements.emplace_back(d.bytes().substr(at, d.pos() - at));
            }
            s.length = *n;
            return Ok();
        }
        case Ref::kString: {
            auto str = d.VarBytes();
            if (!str) return str.take_error();
            s.text = ToUtf16(*str);
            s.length = s.text.size();
            return Ok();
        }
        case Ref::kBinary:
        case Ref::kEmbed:
            if (auto b = d.VarBytes(); !b) return b.take_error();
            break;
        case Ref::kFormat:
            if (auto k = d.VarBytes(); !k) return k.take_error();
            if (auto v = d.VarBytes(); !v) return v.take_error();
            break;
        case Ref::kType: {
            auto type_ref = d.VarUint();
            if (!type_ref) return type_ref.take_error();
            if (*type_ref > 6) return Malformed("unknown type ref");
            if (*type_ref == 3 || *type_ref == 5) {  // YXmlElement, YXmlHook: a node name
                if (auto k = d.VarBytes(); !k) return k.take_error();
            }
            break;
        }
        case Ref::kDoc:
            if (auto g = d.VarBytes(); !g) return g.take_error();
            if (auto o = d.SkipAny(0, limits.max_depth); !o) return o;
            break;
        default: return Malformed("unknown content ref");
    }
    s.raw.assign(d.bytes().substr(start, d.pos() - start));
    s.length = 1;
    return Ok();
}

void WriteContent(std::string& out, const Struct& s) {
    switch (s.ref) {
        case Ref::kDeleted: PutVarUint(out, s.length); return;
        case Ref::kJson:
        case Ref::kAny:
            PutVarUint(out, s.elements.size());
            for (const auto& e : s.elements) out.append(e);
            return;
        case Ref::kString: PutVarBytes(out, ToUtf8(s.text)); return;
        default: out.append(s.raw);
    }
}

/// The units [from, to) of `s` as a struct of their own (Yjs splitItem: the right part's origin is the unit before
/// it; the right origin stays).
Struct Slice(const Struct& s, std::uint64_t from, std::uint64_t to) {
    if (from == 0 && to == s.length) return s;
    Struct out;
    out.id = {s.id.client, s.id.clock + from};
    out.length = to - from;
    out.ref = s.ref;
    if (s.ref == Ref::kGc) return out;
    out.origin = from > 0 ? std::optional<Id>(Id{s.id.client, s.id.clock + from - 1}) : s.origin;
    out.right_origin = s.right_origin;
    out.parent_key = s.parent_key;
    out.parent_id = s.parent_id;
    out.parent_sub = s.parent_sub;
    if (s.ref == Ref::kString) {
        out.text = s.text.substr(from, to - from);
        // A surrogate pair cut in two: each half becomes U+FFFD, as ContentString.splice does.
        if (from > 0 && s.text[from - 1] >= 0xd800 && s.text[from - 1] <= 0xdbff) out.text[0] = 0xfffd;
        if (to < s.length && s.text[to - 1] >= 0xd800 && s.text[to - 1] <= 0xdbff) out.text.back() = 0xfffd;
    } else if (s.ref == Ref::kJson || s.ref == Ref::kAny) {
        out.elements.assign(s.elements.begin() + static_cast<std::ptrdiff_t>(from),
                            s.elements.begin() + static_cast<std::ptrdiff_t>(to));
    } else {
        out.raw = s.raw;
    }
    return out;
}

void WriteStruct(std::string& out, const Struct& s) {
    if (s.ref == Ref::kGc) {
        out.push_back(0);
        PutVarUint(out, s.length);
        return;
    }
    const bool has_parent_sub = s.parent_sub.has_value();
    std::uint8_t info = static_cast<std::uint8_t>(s.ref) & 0x1f;
    if (s.origin) info |= 0x80;
    if (s.right_origin) info |= 0x40;
    if (has_parent_sub) info |= 0x20;
    out.push_back(static_cast<char>(info));
    if (s.origin) PutVarUint(out, s.origin->client), PutVarUint(out, s.origin->clock);
    if (s.right_origin) PutVarUint(out, s.right_origin->client), PutVarUint(out, s.right_origin->clock);
    if (!s.origin && !s.right_origin) {
        if (s.parent_key) {
            PutVarUint(out, 1);
            PutVarBytes(out, *s.parent_key);
        } else {
            const Id p = s.parent_id.value_or(Id{});
            PutVarUint(out, 0);
            PutVarUint(out, p.client);
            PutVarUint(out, p.clock);
        }
        if (has_parent_sub) PutVarBytes(out, *s.parent_sub);
    }
    WriteContent(out, s);
}

void MergeRanges(std::vector<std::pair<std::uint64_t, std::uint64_t>>& ranges) {
    std::sort(ranges.begin(), ranges.end());
    std::vector<std::pair<std::uint64_t, std::uint64_t>> out;
    for (const auto& [clock, len] : ranges) {
        if (!out.empty() && clock <= out.back().first + out.back().second) {
            out.back().second = std::max(out.back().first + out.back().second, clock + len) - out.back().first;
        } else {
            out.emplace_back(clock, len);
        }
    }
    ranges = std::move(out);
}

std::uint64_t Covered(const DeleteSet& ds) {
    std::uint64_t n = 0;
    for (const auto& [client, ranges] : ds) {
        for (const auto& r : ranges) n += r.second;
    }
    return n;
}

bool IsDeleted(const DeleteSet& ds, Id id) {
    auto it = ds.find(id.client);
    if (it == ds.end()) return false;
    const auto& ranges = it->second;
    auto r = std::upper_bound(ranges.begin(), ranges.end(), std::make_pair(id.clock, kMaxSafe + 1));
    if (r == ranges.begin()) return false;
    --r;
    return id.clock < r->first + r->second;
}

}  // namespace

Result<Update> DecodeUpdate(std::string_view bytes, const Limits& limits) {
    Decoder d(bytes);
    Update u;
    auto clients = d.VarUint();
    if (!clients) return clients.take_error();
    for (std::uint64_t c = 0; c < *clients; ++c) {
        auto count = d.VarUint();
        if (!count) return count.take_error();
        auto client = d.VarUint();
        if (!client) return client.take_error();
        auto clock = d.VarUint();
        if (!clock) return clock.take_error();
        std::uint64_t at = *clock;
        for (std::uint64_t i = 0; i < *count; ++i) {
            if (u.structs.size() >= limits.max_structs) return Malformed("too many structs");
            auto info = d.U8();
            if (!info) return info.take_error();
            Struct s;
            s.id = {*client, at};
            s.ref = static_cast<Ref>(*info & 0x1f);
            if (s.ref == Ref::kGc || s.ref == Ref::kSkip) {
                auto len = d.VarUint();
                if (!len) return len.take_error();
                s.length = *len;
            } else {
                if (static_cast<std::uint8_t>(s.ref) > 9) return Malformed("unknown struct ref");
                if (*info & 0x80) {
                    auto o = ReadId(d);
                    if (!o) return o.take_error();
                    s.origin = *o;
                }
                if (*info & 0x40) {
                    auto o = ReadId(d);
                    if (!o) return o.take_error();
                    s.right_origin = *o;
                }
                if ((*info & 0xc0) == 0) {
                    auto is_key = d.VarUint();
                    if (!is_key) return is_key.take_error();
                    if (*is_key == 1) {
                        auto key = d.VarBytes();
                        if (!key) return key.take_error();
                        s.parent_key = std::string(*key);
                    } else {
                        auto p = ReadId(d);
                        if (!p) return p.take_error();
                        s.parent_id = *p;
                    }
                    if (*info & 0x20) {
                        auto sub = d.VarBytes();
                        if (!sub) return sub.take_error();
                        s.parent_sub = std::string(*sub);
                    }
                }
                if (auto r = ReadContent(d, s, limits); !r) return r.take_error();
            }
            if (s.length > kMaxSafe - at) return Malformed("clock out of range");
            at += s.length;
            if (s.ref != Ref::kSkip && s.length > 0) u.structs.push_back(std::move(s));
        }
    }
    auto ds_clients = d.VarUint();
    if (!ds_clients) return ds_clients.take_error();
    for (std::uint64_t c = 0; c < *ds_clients; ++c) {
        auto client = d.VarUint();
        if (!client) return client.take_error();
        auto n = d.VarUint();
        if (!n) return n.take_error();
        auto& ranges = u.deletes[*client];
        for (std::uint64_t i = 0; i < *n; ++i) {
            if (d.done()) return Malformed("unexpected end");
            auto clock = d.VarUint();
            if (!clock) return clock.take_error();
            auto len = d.VarUint();
            if (!len) return len.take_error();
            if (*len > kMaxSafe - *clock) return Malformed("deleted range out of range");
            if (*len > 0) ranges.emplace_back(*clock, *len);
        }
        MergeRanges(ranges);
        if (ranges.empty()) u.deletes.erase(*client);
    }
    if (!d.done()) return Malformed("bytes after the update");
    return u;
}

Result<StateVector> DecodeStateVector(std::string_view bytes) {
    Decoder d(bytes);
    StateVector sv;
    auto n = d.VarUint();
    if (!n) return n.take_error();
    for (std::uint64_t i = 0; i < *n; ++i) {
        auto client = d.VarUint();
        if (!client) return client.take_error();
        auto clock = d.VarUint();
        if (!clock) return clock.take_error();
        sv[*client] = *clock;
    }
    if (!d.done()) return Malformed("bytes after the state vector");
    return sv;
}

std::string EncodeStateVector(const StateVector& sv) {
    std::string out;
    PutVarUint(out, sv.size());
    for (auto it = sv.rbegin(); it != sv.rend(); ++it) {
        PutVarUint(out, it->first);
        PutVarUint(out, it->second);
    }
    return out;
}

bool Store::Apply(const Update& update) {
    bool changed = false;
    for (const Struct& s : update.structs) {
        auto& mine = clients_[s.id.client];
        const std::uint64_t end = s.id.clock + s.length;
        std::uint64_t cur = s.id.clock;
        while (cur < end) {
            auto next = mine.upper_bound(cur);
            if (next != mine.begin()) {
                auto prev = std::prev(next);
                const std::uint64_t prev_end = prev->second.id.clock + prev->second.length;
                if (prev_end > cur) {  // already have it
                    cur = prev_end;
                    continue;
                }
            }
            const std::uint64_t gap_end = next == mine.end() ? end : std::min(end, next->first);
            mine.emplace(cur, Slice(s, cur - s.id.clock, gap_end - s.id.clock));
            changed = true;
            cur = gap_end;
        }
    }
    if (!update.deletes.empty()) {
        const std::uint64_t before = Covered(deletes_);
        for (const auto& [client, ranges] : update.deletes) {
            auto& mine = deletes_[client];
            mine.insert(mine.end(), ranges.begin(), ranges.end());
            MergeRanges(mine);
        }
        if (Covered(deletes_) != before) changed = true;
    }
    return changed;
}

void Store::CollectGarbage() {
    for (auto& [client, structs] : clients_) {
        const auto ds = deletes_.find(client);
        if (ds == deletes_.end()) continue;
        const auto& ranges = ds->second;
        std::map<std::uint64_t, Struct> out;
        for (auto& [clock, s] : structs) {
            if (s.ref == Ref::kGc || s.ref == Ref::kDeleted || s.ref == Ref::kType || s.ref == Ref::kDoc) {
                out.emplace(clock, std::move(s));
                continue;
            }
            const std::uint64_t start = s.id.clock;
            const std::uint64_t end = start + s.length;
            auto it = std::upper_bound(ranges.begin(), ranges.end(), std::make_pair(start, kMaxSafe + 1));
            if (it != ranges.begin()) --it;
            std::uint64_t cur = start;
            bool any = false;
            for (; it != ranges.end() && it->first < end; ++it) {
                const std::uint64_t a = std::max(start, it->first);
                const std::uint64_t b = std::min(end, it->first + it->second);
                if (a >= b) continue;
                any = true;
                if (cur < a) out.emplace(cur, Slice(s, cur - start, a - start));
                Struct gone = Slice(s, a - start, b - start);
                gone.ref = Ref::kDeleted;
                gone.text.clear();
                gone.elements.clear();
                gone.raw.clear();
                out.emplace(a, std::move(gone));
                cur = b;
            }
            if (!any) {
                out.emplace(clock, std::move(s));
                continue;
            }
            if (cur < end) out.emplace(cur, Slice(s, cur - start, end - start));
        }
        structs = std::move(out);
    }
}

StateVector Store::State() const {
    StateVector sv;
    for (const auto& [client, structs] : clients_) {
        std::uint64_t clock = 0;
        for (const auto& [start, s] : structs) {
            if (start != clock) break;
            clock += s.length;
        }
        if (clock > 0) sv[client] = clock;
    }
    return sv;
}

std::size_t Store::struct_count() const {
    std::size_t n = 0;
    for (const auto& [client, structs] : clients_) n += structs.size();
    return n;
}

std::string Store::Diff(const StateVector& sv) const {
    std::string body;
    std::uint64_t client_count = 0;
    for (auto it = clients_.rbegin(); it != clients_.rend(); ++it) {  // Yjs writes higher client ids first
        const auto& [client, structs] = *it;
        const auto known = sv.find(client);
        const std::uint64_t from = known == sv.end() ? 0 : known->second;
        auto first = structs.upper_bound(from);
        if (first != structs.begin()) {
            auto prev = std::prev(first);
            if (prev->second.id.clock + prev->second.length > from) first = prev;
        }
        if (first == structs.end()) continue;
        std::string part;
        std::uint64_t count = 0;
        const std::uint64_t start = std::max(from, first->second.id.clock);
        std::uint64_t at = start;
        for (auto s = first; s != structs.end(); ++s) {
            if (s->second.id.clock > at) {  // a gap: Skip
                part.push_back(static_cast<char>(Ref::kSkip));
                PutVarUint(part, s->second.id.clock - at);
                ++count;
                at = s->second.id.clock;
            }
            const std::uint64_t offset = at - s->second.id.clock;
            WriteStruct(part, Slice(s->second, offset, s->second.length));
            ++count;
            at = s->second.id.clock + s->second.length;
        }
        PutVarUint(body, count);
        PutVarUint(body, client);
        PutVarUint(body, start);
        body += part;
        ++client_count;
    }
    std::string out;
    PutVarUint(out, client_count);
    out += body;
    std::uint64_t ds_clients = 0;
    std::string ds;
    for (auto it = deletes_.rbegin(); it != deletes_.rend(); ++it) {
        if (it->second.empty()) continue;
        PutVarUint(ds, it->first);
        PutVarUint(ds, it->second.size());
        for (const auto& [clock, len] : it->second) {
            PutVarUint(ds, clock);
            PutVarUint(ds, len);
        }
        ++ds_clients;
    }
    PutVarUint(out, ds_clients);
    out += ds;
    return out;
}

// ---- reading a root Y.Text: Yjs's integration (Item.integrate, YATA), over a copy of the stored items ----

namespace {

constexpr int kNone = -1;

struct Node {
    Id id;
    std::uint64_t length = 0;
    std::uint64_t offset = 0;  // into the struct's content
    const Struct* s = nullptr;
    std::optional<Id> origin;
    std::optional<Id> right_origin;
    bool gc = false;
    bool in_text = false;  // parent is the root text
    int left = kNone;
    int right = kNone;
};

class TextBuilder {
public:
    TextBuilder(const std::map<std::uint64_t, std::map<std::uint64_t, Struct>>& clients, std::string_view name)
        : clients_(clients), name_(name) {}

    std::u16string Run(const DeleteSet& deletes) {
        std::deque<std::uint64_t> ready;
        for (const auto& [client, structs] : clients_) {
            next_[client] = structs.begin();
            ready.push_back(client);
        }
        while (!ready.empty()) {
            const std::uint64_t client = ready.front();
            ready.pop_front();
            auto& it = next_[client];
            const auto& structs = clients_.at(client);
            while (it != structs.end()) {
                const Struct& s = it->second;
                if (s.id.clock != StateOf(client)) break;  // a gap: wait for nothing (it never comes)
                if (auto missing = Missing(s)) {
                    waiting_[missing->client].emplace(missing->clock, client);
                    break;
                }
                Integrate(s);
                state_[client] = s.id.clock + s.length;
                ++it;
                // Wake what waited on this client's clocks now present.
                auto& w = waiting_[client];
                while (!w.empty() && w.begin()->first < state_[client]) {
                    ready.push_back(w.begin()->second);
                    w.erase(w.begin());
                }
            }
        }
        std::u16string out;
        for (int n = start_; n != kNone; n = nodes_[static_cast<std::size_t>(n)].right) {
            const Node& node = nodes_[static_cast<std::size_t>(n)];
            if (node.gc || node.s->ref != Ref::kString) continue;
            for (std::uint64_t i = 0; i < node.length; ++i) {
                const Id id{node.id.client, node.id.clock + i};
                if (IsDeleted(deletes, id)) continue;
                out.push_back(replaced_.contains({id.client, id.clock}) ? u'\ufffd' : node.s->text[node.offset + i]);
            }
        }
        return out;
    }

private:
    std::uint64_t StateOf(std::uint64_t client) const {
        auto it = state_.find(client);
        return it == state_.end() ? 0 : it->second;
    }

    std::optional<Id> Missing(const Struct& s) const {
        if (s.ref == Ref::kGc) return std::nullopt;
        // The parent counts only for an item without origins (the wire format has it only then).
        const bool by_parent = !s.origin && !s.right_origin;
        for (const auto& dep : {s.origin, s.right_origin, by_parent ? s.parent_id : std::nullopt}) {
            if (dep && dep->clock >= StateOf(dep->client)) return dep;
        }
        return std::nullopt;
    }

    /// The node holding `id` (integrated, so present).
    int Find(Id id) const {
        const auto& index = index_.at(id.client);
        auto it = std::prev(index.upper_bound(id.clock));
        return it->second;
    }

    int Split(int n, std::uint64_t diff) {
        const int r = static_cast<int>(nodes_.size());
        Node right = nodes_[static_cast<std::size_t>(n)];
        right.id.clock += diff;
        right.length -= diff;
        right.offset += diff;
        right.origin = Id{right.id.client, right.id.clock - 1};
        if (right.in_text) {
            right.left = n;
            if (right.right != kNone) nodes_[static_cast<std::size_t>(right.right)].left = r;
            nodes_[static_cast<std::size_t>(n)].right = r;
        }
        nodes_[static_cast<std::size_t>(n)].length = diff;
        // Splitting a surrogate pair: Yjs (ContentString.splice) turns both halves into U+FFFD for good.
        const Struct* s = right.s;
        if (s != nullptr && s->ref == Ref::kString && right.offset > 0 && right.offset < s->text.size()) {
            const char16_t before = s->text[right.offset - 1];
            if (before >= 0xd800 && before <= 0xdbff) {
                replaced_.insert({right.id.client, right.id.clock - 1});
                replaced_.insert({right.id.client, right.id.clock});
            }
        }
        index_[right.id.client][right.id.clock] = r;
        nodes_.push_back(right);
        return r;
    }
    int CleanEnd(Id id) {
        const int n = Find(id);
        const Node& node = nodes_[static_cast<std::size_t>(n)];
        if (id.clock != node.id.clock + node.length - 1) Split(n, id.clock - node.id.clock + 1);
        return n;
    }
    int CleanStart(Id id) {
        const int n = Find(id);
        const Node& node = nodes_[static_cast<std::size_t>(n)];
        if (id.clock != node.id.clock) return Split(n, id.clock - node.id.clock);
        return n;
    }

    void Integrate(const Struct& s) {
        Node me;
        me.id = s.id;
        me.length = s.length;
        me.s = &s;
        me.origin = s.origin;
        me.right_origin = s.right_origin;
        me.gc = s.ref == Ref::kGc;
        int left = kNone;
        int right = kNone;
        if (!me.gc) {
            if (s.origin) left = CleanEnd(*s.origin);
            if (s.right_origin) right = CleanStart(*s.right_origin);
            const Node* l = left == kNone ? nullptr : &nodes_[static_cast<std::size_t>(left)];
            const Node* r = right == kNone ? nullptr : &nodes_[static_cast<std::size_t>(right)];
            if ((l && l->gc) || (r && r->gc)) {
                me.gc = true;                         // its neighbour's parent is gone: Yjs turns it into a GC too
            } else if (s.origin || s.right_origin) {  // the parent is the neighbours' (what a decoder knows)
                me.in_text = (l && l->in_text) || (!l && r && r->in_text);
            } else {
                me.in_text = s.parent_key && *s.parent_key == name_ && !s.parent_sub;
            }
        }
        const int n = static_cast<int>(nodes_.size());
        index_[me.id.client][me.id.clock] = n;
        nodes_.push_back(me);
        if (me.in_text) Link(n, left, right);
    }

    /// Item.integrate's conflict resolution, then linking into the list.
    void Link(int n, int left, int right) {
        auto at = [this](int i) -> Node& { return nodes_[static_cast<std::size_t>(i)]; };
        const Node& me = at(n);
        const bool resolve = (left == kNone && (right == kNone || at(right).left != kNone)) ||
                             (left != kNone && at(left).right != right);
        if (resolve) {
            int o = left != kNone ? at(left).right : start_;
            std::set<int> conflicting;
            std::set<int> before_origin;
            while (o != kNone && o != right) {
                before_origin.insert(o);
                conflicting.insert(o);
                const Node& on = at(o);
                if (me.origin == on.origin) {
                    if (on.id.client < me.id.client) {
                        left = o;
                        conflicting.clear();
                    } else if (me.right_origin == on.right_origin) {
                        break;
                    }
                } else if (on.origin && before_origin.count(Find(*on.origin)) > 0) {
                    if (conflicting.count(Find(*on.origin)) == 0) {
                        left = o;
                        conflicting.clear();
                    }
                } else {
                    break;
                }
                o = on.right;
            }
        }
        Node& self = at(n);
        self.left = left;
        if (left != kNone) {
            self.right = at(left).right;
            at(left).right = n;
        } else {
            self.right = start_;
            start_ = n;
        }
        if (self.right != kNone) at(self.right).left = n;
    }

    const std::map<std::uint64_t, std::map<std::uint64_t, Struct>>& clients_;
    std::string_view name_;
    std::map<std::uint64_t, std::map<std::uint64_t, Struct>::const_iterator> next_;
    std::map<std::uint64_t, std::uint64_t> state_;
    std::map<std::uint64_t, std::multimap<std::uint64_t, std::uint64_t>> waiting_;  // client → clock → waiter
    std::map<std::uint64_t, std::map<std::uint64_t, int>> index_;                   // client → clock → node
    std::vector<Node> nodes_;
    std::set<std::pair<std::uint64_t, std::uint64_t>> replaced_;  // units turned into U+FFFD by a split
    int start_ = kNone;
};

}  // namespace

std::string Store::Text(std::string_view name) const {
    TextBuilder builder(clients_, name);
    return ToUtf8(builder.Run(deletes_));
}

std::string TextInsertUpdate(std::uint64_t client, std::string_view name, std::string_view text) {
    Struct s;
    s.id = {client, 0};
    s.ref = Ref::kString;
    s.parent_key = std::string(name);
    s.text = ToUtf16(text);
    s.length = s.text.size();
    std::string out;
    if (s.length == 0) {
        PutVarUint(out, 0);
    } else {
        PutVarUint(out, 1);
        PutVarUint(out, 1);
        PutVarUint(out, client);
        PutVarUint(out, 0);
        WriteStruct(out, s);
    }
    PutVarUint(out, 0);  // no deletions
    return out;
}

// ---- y-protocols ----

Result<Message> DecodeMessage(std::string_view bytes) {
    Decoder d(bytes);
    auto type = d.VarUint();
    if (!type) return type.take_error();
    Message m;
    if (*type > 3) return Malformed("unknown message type " + std::to_string(*type));
    m.type = static_cast<MessageType>(*type);
    if (m.type == MessageType::kSync) {
        auto sync = d.VarUint();
        if (!sync) return sync.take_error();
        if (*sync > 2) return Malformed("unknown sync message " + std::to_string(*sync));
        m.sync = static_cast<SyncType>(*sync);
    }
    if (m.type == MessageType::kSync || m.type == MessageType::kAwareness) {
        auto payload = d.VarBytes();
        if (!payload) return payload.take_error();
        m.payload = std::string(*payload);
    }
    return m;
}

std::string SyncMessage(SyncType type, std::string_view payload) {
    std::string out;
    PutVarUint(out, static_cast<std::uint64_t>(MessageType::kSync));
    PutVarUint(out, static_cast<std::uint64_t>(type));
    PutVarBytes(out, payload);
    return out;
}

std::string AwarenessMessage(std::string_view awareness_update) {
    std::string out;
    PutVarUint(out, static_cast<std::uint64_t>(MessageType::kAwareness));
    PutVarBytes(out, awareness_update);
    return out;
}

std::string PermissionDeniedMessage(std::string_view reason) {
    std::string out;
    PutVarUint(out, static_cast<std::uint64_t>(MessageType::kAuth));
    PutVarUint(out, 0);
    PutVarBytes(out, reason);
    return out;
}

Result<std::vector<AwarenessEntry>> DecodeAwareness(std::string_view bytes) {
    Decoder d(bytes);
    auto n = d.VarUint();
    if (!n) return n.take_error();
    std::vector<AwarenessEntry> out;
    for (std::uint64_t i = 0; i < *n; ++i) {
        if (d.done()) return Malformed("unexpected end");
        AwarenessEntry e;
        auto client = d.VarUint();
        if (!client) return client.take_error();
        auto clock = d.VarUint();
        if (!clock) return clock.take_error();
        auto state = d.VarBytes();
        if (!state) return state.take_error();
        e.client = *client;
        e.clock = *clock;
        e.state = std::string(*state);
        out.push_back(std::move(e));
    }
    return out;
}

std::string EncodeAwareness(const std::vector<AwarenessEntry>& entries) {
    std::string out;
    PutVarUint(out, entries.size());
    for (const auto& e : entries) {
        PutVarUint(out, e.client);
        PutVarUint(out, e.clock);
        PutVarBytes(out, e.state);
    }
    return out;
}

}  // namespace dihya::collab::yjs
