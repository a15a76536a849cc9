-- Accounts. The id is a UUID (not a counter, which would tell how many users there are); email_normalized
-- (trimmed, lower case) makes addresses unique regardless of case.
CREATE TABLE users (
    id CHAR(36) CHARACTER SET ascii NOT NULL,
    email VARCHAR(254) NOT NULL,
    email_normalized VARCHAR(254) COLLATE utf8mb4_bin NOT NULL,
    password_hash VARCHAR(512) CHARACTER SET ascii NOT NULL,
    created_at DATETIME(6) NOT NULL,
    updated_at DATETIME(6) NOT NULL,
    PRIMARY KEY (id),
    UNIQUE KEY ux_users_email_normalized (email_normalized)
) ENGINE = InnoDB DEFAULT CHARSET = utf8mb4 COLLATE = utf8mb4_unicode_ci;
