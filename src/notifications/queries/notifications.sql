-- Statements of the notifications repository (notifications/service.cpp). Placeholders $1, $2... on both dialects.

-- name: insert
INSERT INTO notifications (id, user_id, kind, data, link, created_at) VALUES ($1, $2, $3, $4, $5, $6);

-- name: list
SELECT id, kind, data, link, created_at, read_at FROM notifications
WHERE user_id = $1
  AND ($2 = '' OR created_at < $2 OR (created_at = $2 AND id < $3))
  AND ($4 = 0 OR read_at IS NULL)
ORDER BY created_at DESC, id DESC
LIMIT $5;

-- name: find
SELECT id, kind, data, link, created_at, read_at FROM notifications WHERE id = $1 AND user_id = $2;

-- name: unread_count
SELECT COUNT(*) AS n FROM notifications WHERE user_id = $1 AND read_at IS NULL;

-- name: mark_read
UPDATE notifications SET read_at = $3 WHERE id = $1 AND user_id = $2 AND read_at IS NULL;

-- name: mark_all_read
UPDATE notifications SET read_at = $2 WHERE user_id = $1 AND read_at IS NULL;

-- name: delete
DELETE FROM notifications WHERE id = $1 AND user_id = $2;

-- name: all_of_user
SELECT id, kind, data, link, created_at, read_at FROM notifications WHERE user_id = $1 ORDER BY created_at, id;

-- name: delete_user
DELETE FROM notifications WHERE user_id = $1;

-- name: preferences
SELECT kind, channel, enabled FROM notification_preferences WHERE user_id = $1 ORDER BY kind, channel;

-- name: delete_preference
DELETE FROM notification_preferences WHERE user_id = $1 AND kind = $2 AND channel = $3;

-- name: insert_preference
INSERT INTO notification_preferences (user_id, kind, channel, enabled) VALUES ($1, $2, $3, $4);

-- name: delete_user_preferences
DELETE FROM notification_preferences WHERE user_id = $1;

-- name: vapid_key
SELECT private_key, public_key FROM vapid_keys WHERE id = 'vapid';

-- name: insert_vapid_key
INSERT INTO vapid_keys (id, private_key, public_key, created_at) VALUES ('vapid', $1, $2, $3) ON CONFLICT (id) DO NOTHING;

-- name: push_subscriptions
SELECT id, subscription, origin, created_at FROM push_subscriptions WHERE user_id = $1 ORDER BY created_at, id;

-- name: find_push_subscription
SELECT id FROM push_subscriptions WHERE user_id = $1 AND endpoint_index = $2;

-- name: insert_push_subscription
INSERT INTO push_subscriptions (id, user_id, endpoint_index, subscription, origin, created_at)
VALUES ($1, $2, $3, $4, $5, $6);

-- name: delete_push_subscription
DELETE FROM push_subscriptions WHERE id = $1 AND user_id = $2;

-- name: delete_push_subscription_by_id
DELETE FROM push_subscriptions WHERE id = $1;

-- name: delete_user_push_subscriptions
DELETE FROM push_subscriptions WHERE user_id = $1;

-- name: push_subscription_by_id
SELECT id, subscription FROM push_subscriptions WHERE id = $1;

-- name: digest_candidates
SELECT DISTINCT n.user_id FROM notifications n LEFT JOIN notification_digests d ON d.user_id = n.user_id
WHERE n.read_at IS NULL AND n.created_at > $1 AND (d.sent_up_to IS NULL OR n.created_at > d.sent_up_to)
ORDER BY n.user_id;

-- name: digest_marker
SELECT sent_up_to, sent_at FROM notification_digests WHERE user_id = $1;

-- name: digest_items
SELECT id, kind, data, link, created_at, read_at FROM notifications
WHERE user_id = $1 AND read_at IS NULL AND created_at > $2
ORDER BY created_at DESC, id DESC;

-- name: set_digest_marker
INSERT INTO notification_digests (user_id, sent_up_to, sent_at) VALUES ($1, $2, $3)
ON CONFLICT (user_id) DO UPDATE SET sent_up_to = excluded.sent_up_to, sent_at = excluded.sent_at;
