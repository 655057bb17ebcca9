DROP TABLE IF EXISTS sign_in_throttles;
DROP TABLE IF EXISTS password_reset_tokens;
DROP TABLE IF EXISTS user_recovery_codes;
DROP TABLE IF EXISTS users;
