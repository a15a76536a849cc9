-- Failed logins per account and per client address within a fixed window, shared by every auth replica.
CREATE TABLE login_failures (
    scope VARCHAR(16) CHARACTER SET ascii NOT NULL,
    subject VARCHAR(254) COLLATE utf8mb4_bin NOT NULL,
    window_started_at DATETIME(6) NOT NULL,
    failures INT NOT NULL,
    PRIMARY KEY (scope, subject),
    KEY ix_login_failures_window_started_at (window_started_at)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
