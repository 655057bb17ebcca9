-- name: NotifyRecipients :many
-- The recipients of one event with their choice for it and whether they
-- take notification e-mail at all; inactive accounts are left out.
SELECT u.id, u.email, u.name, u.notify_email, COALESCE(p.channel, 'both')::text AS channel
FROM users u
LEFT JOIN notification_preference p ON p.user_id = u.id AND p.event = @event::text
WHERE u.id = ANY(@ids::bigint[]) AND u.status = 'active'
ORDER BY u.id;

-- name: InsertNotification :one
INSERT INTO notification (recipient_id, event, deal_id, review_id, title, body, link, in_app, created_at, dedupe_key)
VALUES (@recipient_id, @event, @deal_id, @review_id, @title, @body, @link, @in_app, @now, sqlc.narg(dedupe_key))
ON CONFLICT (dedupe_key) DO NOTHING
RETURNING id;

-- name: InsertMail :one
INSERT INTO mail_outbox (notification_id, to_address, to_name, subject, body, created_at)
VALUES (sqlc.narg(notification_id), @to_address, @to_name, @subject, @body, @now)
RETURNING id;

-- name: SetMailLink :exec
UPDATE mail_outbox SET link = @link WHERE id = @id;

-- name: StartMailSend :one
-- Marks a pending mail as being sent, committed before the send: a mail
-- found 'sending' was being sent by an attempt that never reported back,
-- and is not sent again (at most once).
UPDATE mail_outbox SET state = 'sending', attempts = attempts + 1
WHERE id = @id AND state = 'pending'
RETURNING id, to_address, to_name, subject, body, link, attempts;

-- name: MarkMailSent :execrows
UPDATE mail_outbox SET state = 'sent', sent_at = @now, link = NULL, body = '', last_error = ''
WHERE id = @id AND state = 'sending';

-- name: MarkMailFailed :execrows
-- state is 'pending' (to be retried) or 'failed' (given up).
UPDATE mail_outbox SET state = @state, last_error = @last_error
WHERE id = @id AND state = 'sending';

-- name: MarkMailInterrupted :execrows
-- A mail left 'sending' by an attempt that died: it may or may not have
-- gone out, and is not sent again.
UPDATE mail_outbox SET state = 'failed', last_error = @last_error
WHERE id = @id AND state = 'sending';

-- name: CountNotifications :one
SELECT count(*) FROM notification WHERE recipient_id = @recipient_id AND in_app;

-- name: ListNotifications :many
SELECT id, event, deal_id, review_id, title, body, link, created_at, read_at
FROM notification
WHERE recipient_id = @recipient_id AND in_app
ORDER BY id DESC
LIMIT @max_rows OFFSET @skip;

-- name: MarkNotificationRead :one
-- Marks one of the recipient's notifications read (again: a no-op) and
-- returns where it leads.
UPDATE notification SET read_at = COALESCE(read_at, @now)
WHERE id = @id AND recipient_id = @recipient_id AND in_app
RETURNING link;

-- name: MarkAllNotificationsRead :execrows
UPDATE notification SET read_at = @now
WHERE recipient_id = @recipient_id AND in_app AND read_at IS NULL AND id <= @up_to;

-- name: ListNotifyPrefs :many
SELECT event, channel FROM notification_preference WHERE user_id = @user_id;

-- name: UpsertNotifyPref :exec
INSERT INTO notification_preference (user_id, event, channel) VALUES (@user_id, @event, @channel)
ON CONFLICT (user_id, event) DO UPDATE SET channel = EXCLUDED.channel;

-- name: LockUserRow :one
SELECT id FROM users WHERE id = @id FOR UPDATE;

-- name: ReviewMemberIDs :many
SELECT user_id FROM review_member WHERE review_id = @review_id ORDER BY user_id;

-- name: ActiveChairIDs :many
SELECT id FROM users WHERE status = 'active' AND 'chair' = ANY(roles) ORDER BY id;

-- The reminder pass (notify_reminders.go) reads what it sends in three
-- set-based statements. A review is in the window when it is open, due
-- within the committee's reminder days of today (or overdue), or its deal's
-- negotiation date is; a review whose clock is paused by an open request
-- for information is never in it (review_state_due_idx serves the due
-- dates, review_rfi_open_review_idx the requests).

-- name: CountReviewsForReminders :one
SELECT count(*)
FROM review r
JOIN deal d ON d.id = r.deal_id
WHERE r.state = 'open'
  AND (r.due_on <= sqlc.arg(until)::date OR d.negotiation_on <= sqlc.arg(until)::date)
  AND NOT EXISTS (SELECT 1 FROM review_rfi q WHERE q.review_id = r.id AND q.answered_at IS NULL);

-- name: VoteReminderCandidates :many
-- Every (member, review) pair of the window where the member may vote and
-- has not: assigned, not self-recused, not the deal's submitter, active,
-- and without a vote on a version that still counts (not superseded).
-- Recusal by a declared interest in the counterparty's corporate family is
-- applied by the caller (counterparty_id). Per member, soonest due first.
SELECT m.user_id, r.id AS review_id, d.title, r.due_on, d.counterparty_id
FROM review r
JOIN deal d ON d.id = r.deal_id
JOIN review_member m ON m.review_id = r.id AND m.recused_at IS NULL AND m.user_id <> d.author_id
JOIN users u ON u.id = m.user_id AND u.status = 'active'
WHERE r.state = 'open'
  AND (r.due_on <= sqlc.arg(until)::date OR d.negotiation_on <= sqlc.arg(until)::date)
  AND NOT EXISTS (SELECT 1 FROM review_rfi q WHERE q.review_id = r.id AND q.answered_at IS NULL)
  AND NOT EXISTS (SELECT 1 FROM review_vote w
                  JOIN deal_version wv ON wv.deal_id = r.deal_id AND wv.number = w.deal_version
                  WHERE w.review_id = r.id AND w.user_id = m.user_id AND wv.superseded_at IS NULL)
ORDER BY m.user_id, r.due_on, r.id;

-- name: OverdueReviewsForReminders :many
-- The open reviews due before @today whose clock is not paused, longest
-- overdue first: the chairs' overdue digest.
SELECT r.id AS review_id, d.title, r.due_on
FROM review r
JOIN deal d ON d.id = r.deal_id
WHERE r.state = 'open' AND r.due_on < sqlc.arg(today)::date
  AND NOT EXISTS (SELECT 1 FROM review_rfi q WHERE q.review_id = r.id AND q.answered_at IS NULL)
ORDER BY r.due_on, r.id;

-- name: DealCounselIDs :many
-- The counsel who can act on a deal: its author and the counsel it is
-- shared with for editing (dealgate.AuthorizeDeal, DealEdit).
SELECT d.author_id AS id FROM deal d WHERE d.id = @deal_id
UNION
SELECT s.user_id FROM deal_share s JOIN users u ON u.id = s.user_id
WHERE s.deal_id = @deal_id AND s.access = 'edit' AND 'counsel' = ANY(u.roles)
ORDER BY id;
