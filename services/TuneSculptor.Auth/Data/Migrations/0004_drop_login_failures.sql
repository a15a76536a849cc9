-- Replaced by login_attempts (0003): its counts were taken after the password check, and only per account or address.
DROP TABLE IF EXISTS login_failures;
