DROP TABLE IF EXISTS mail_outbox;
DROP TABLE IF EXISTS notification_preference;
DROP TABLE IF EXISTS notification;
