#include "realtime/hub.hpp"

#include <algorithm>

#include <boost/json.hpp>

namespace dihya::realtime {

namespace json = boost::json;

Hub::Hub(HubOptions options) : options_(options), next_id_(options.first_id) {}

Event Hub::Append(std::string_view channel, std::string_view name, std::string data) {
    Event e{next_id_++, std::string(channel), std::string(name), std::move(data)};
    if (options_.log_size > 0) {
        if (log_.size() >= options_.log_size) log_.pop_front();
        log_.push_back(e);
    }
    return e;
}

void Hub::Deliver(const Event& event) {
    const auto it = by_channel_.find(event.channel);
    if (it == by_channel_.end()) return;
    for (Listener* l : it->second) l->OnEvent(event);
}

void Hub::Publish(std::string_view channel, std::string_view event, const json::value& data) {
    std::string text = json::serialize(data);
    std::shared_ptr<const Forwarder> forward;
    Event e;
    {
        std::lock_guard lock(mu_);
        forward = forwarder_;
        e = Append(channel, event, std::move(text));
        Deliver(e);
    }
    if (forward) (*forward)(channel, event, e.data);
}

void Hub::PublishFromPeer(std::string_view channel, std::string_view event, std::string data) {
    std::lock_guard lock(mu_);
    Deliver(Append(channel, event, std::move(data)));
}

void Hub::SetForwarder(Forwarder forwarder) {
    auto next = forwarder ? std::make_shared<const Forwarder>(std::move(forwarder)) : nullptr;
    std::lock_guard lock(mu_);
    forwarder_ = std::move(next);
}

void Hub::Subscribe(Listener& listener, const std::string& channel) {
    std::lock_guard lock(mu_);
    by_channel_[channel].insert(&listener);
    by_listener_[&listener].insert(channel);
}

Backlog Hub::SubscribeAfter(Listener& listener, const std::vector<std::string>& channels, std::int64_t after_id) {
    std::lock_guard lock(mu_);
    for (const auto& c : channels) {
        by_channel_[c].insert(&listener);
        by_listener_[&listener].insert(c);
    }
    Backlog out;
    if (after_id >= next_id_ - 1) return out;  // nothing since
    // Complete when the log still holds the event right after `after_id` (or nothing was dropped before it).
    const std::int64_t oldest = log_.empty() ? next_id_ : log_.front().id;
    out.complete = after_id + 1 >= oldest && after_id >= options_.first_id - 1;
    const std::set<std::string> wanted(channels.begin(), channels.end());
    for (const Event& e : log_) {
        if (e.id > after_id && wanted.contains(e.channel)) out.events.push_back(e);
    }
    return out;
}

void Hub::Unsubscribe(Listener& listener, const std::string& channel) {
    std::lock_guard lock(mu_);
    if (auto it = by_channel_.find(channel); it != by_channel_.end()) {
        it->second.erase(&listener);
        if (it->second.empty()) by_channel_.erase(it);
    }
    if (auto it = by_listener_.find(&listener); it != by_listener_.end()) {
        it->second.erase(channel);
        if (it->second.empty()) by_listener_.erase(it);
    }
}

void Hub::UnsubscribeAll(Listener& listener) {
    std::lock_guard lock(mu_);
    const auto it = by_listener_.find(&listener);
    if (it == by_listener_.end()) return;
    for (const auto& c : it->second) {
        if (auto ch = by_channel_.find(c); ch != by_channel_.end()) {
            ch->second.erase(&listener);
            if (ch->second.empty()) by_channel_.erase(ch);
        }
    }
    by_listener_.erase(it);
}

void Hub::PublishPresence(const std::string& channel, const std::string& user, std::string_view state) {
    json::array viewers;
    if (auto it = viewers_.find(channel); it != viewers_.end()) {
        for (const auto& [u, n] : it->second) viewers.emplace_back(u);
    }
    const json::object data{{"user", user}, {"state", state}, {"viewers", std::move(viewers)}};
    Deliver(Append(channel, "presence", json::serialize(data)));
}

void Hub::Join(const std::string& channel, const std::string& user) {
    std::lock_guard lock(mu_);
    if (++viewers_[channel][user] == 1) PublishPresence(channel, user, "join");
}

void Hub::Leave(const std::string& channel, const std::string& user) {
    std::lock_guard lock(mu_);
    auto it = viewers_.find(channel);
    if (it == viewers_.end()) return;
    auto u = it->second.find(user);
    if (u == it->second.end()) return;
    if (--u->second > 0) return;
    it->second.erase(u);
    if (it->second.empty()) viewers_.erase(it);
    PublishPresence(channel, user, "leave");
}

std::vector<std::string> Hub::Viewers(const std::string& channel) const {
    std::lock_guard lock(mu_);
    std::vector<std::string> out;
    if (auto it = viewers_.find(channel); it != viewers_.end()) {
        for (const auto& [u, n] : it->second) out.push_back(u);
    }
    return out;
}

std::size_t Hub::subscriptions() const {
    std::lock_guard lock(mu_);
    std::size_t n = 0;
    for (const auto& [l, channels] : by_listener_) n += channels.size();
    return n;
}

std::int64_t Hub::last_id() const {
    std::lock_guard lock(mu_);
    return next_id_ - 1;
}

}  // namespace dihya::realtime
