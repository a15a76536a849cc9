-- The login throttle's counts, shared by every auth replica: scope 'pair' (an account and a client address),
-- 'address' (a client address, across accounts) and 'account' (across addresses, with a backoff). Accounts are
-- stored as a hash of the normalized address (any string can be tried as one). An attempt is counted here before its
-- password is checked, under a row lock, so parallel guesses queue on the row instead of all passing the check.
CREATE TABLE login_attempts (
    scope VARCHAR(16) CHARACTER SET ascii NOT NULL,
    subject VARCHAR(128) CHARACTER SET ascii COLLATE ascii_bin NOT NULL,
    attempts INT NOT NULL,
    window_started_at DATETIME(6) NOT NULL,
    blocked_until DATETIME(6) NULL,
    last_attempt_at DATETIME(6) NOT NULL,
    PRIMARY KEY (scope, subject),
    KEY ix_login_attempts_last_attempt_at (last_attempt_at)
) ENGINE = InnoDB;
