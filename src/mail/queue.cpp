#include "mail/queue.hpp"

#include <boost/json.hpp>

namespace dihya::mail {

namespace json = boost::json;

MailQueue::MailQueue(storage::Db& db, const crypto::FieldCipher& cipher, const Clock& clock, Logger& log,
                     QueuedMailer::Deliver deliver, MailQueueOptions options)
    : log_(log),
      queue_(
          db, cipher, clock, log, {"mail_queue", "mail", "mail_queue.message"},
          [deliver = std::move(deliver)](const delivery::Item& item) {
              boost::system::error_code ec;
              const json::value v = json::parse(item.payload, ec);
              if (ec || !v.is_object()) return delivery::Outcome::GiveUp("the queued message cannot be read");
              const auto text = [&](std::string_view k) {
                  const json::value* f = v.as_object().if_contains(k);
                  return f != nullptr && f->is_string() ? std::string(f->get_string()) : std::string();
              };
              auto sent = deliver(Message{text("to"), text("subject"), text("text"), item.kind, ""});
              return sent ? delivery::Outcome::Done() : delivery::Outcome::Retry(sent.error().message);
          },
          std::move(options)) {}

void MailQueue::Send(Message m) {
    if (!SafeHeaders(m)) {
        log_.Error("mail refused: header injection", {{"kind", m.kind}});
        return;
    }
    const std::string text = json::serialize(json::object{{"to", m.to}, {"subject", m.subject}, {"text", m.text}});
    (void)queue_.Enqueue(m.user_id, m.kind, text);  // a failure is logged by the queue
}

}  // namespace dihya::mail
