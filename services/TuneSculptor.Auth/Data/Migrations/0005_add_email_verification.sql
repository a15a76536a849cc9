-- Verified addresses. An account is unverified until its address's owner opens the link of the latest verification
-- mail: verification_nonce names that mail (a later mail replaces it, verifying clears it), so an older link, or one
-- opened again, does nothing. Resending is limited per account: verification_mail_at is the last mail, and
-- verification_mails_on/_count count the mails of one UTC day. Accounts made before this migration stay unverified
-- until their owners verify: their addresses were never proven.
ALTER TABLE users
    ADD COLUMN email_verified_at DATETIME(6) NULL,
    ADD COLUMN verification_nonce CHAR(32) CHARACTER SET ascii NULL,
    ADD COLUMN verification_mail_at DATETIME(6) NULL,
    ADD COLUMN verification_mails_on DATE NULL,
    ADD COLUMN verification_mails_count INT NOT NULL DEFAULT 0;
