-- When the sender claimed a mail (PENDING -> SENDING). A row still SENDING long after its claim was handed to SMTP
-- by a sender that died before recording the outcome: it is never retried (R16, at most once) but it is counted
-- (gauge jit.mail.stuck) and logged so an operator can decide (docs/operations.md).
ALTER TABLE notification_outbox ADD COLUMN claimed_at TIMESTAMPTZ;
CREATE INDEX notification_outbox_sending ON notification_outbox (claimed_at) WHERE status = 'SENDING';
-- Rows already SENDING were claimed before this column existed: count them from now (reported after stuck-after).
UPDATE notification_outbox SET claimed_at = now() WHERE status = 'SENDING';
