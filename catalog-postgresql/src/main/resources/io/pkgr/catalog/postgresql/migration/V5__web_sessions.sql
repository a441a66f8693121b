-- Web UI sessions, shared by every replica so that a browser logged in through one is logged in on
-- all (no sticky load balancing). Only the SHA-256 of a session's cookie token is stored, with a
-- digest of the user's password entry when the session began (it ends when that changes).
CREATE TABLE web_sessions (
    token_sha256  char(64)    PRIMARY KEY,
    user_name     text        NOT NULL,
    credential    char(64)    NOT NULL,
    csrf          text        NOT NULL,
    expires       timestamptz NOT NULL
);
CREATE INDEX web_sessions_by_user ON web_sessions (user_name);
CREATE INDEX web_sessions_by_expiry ON web_sessions (expires);

-- Secrets every replica must agree on (the key of the web UI's CSRF tokens for Basic users): the
-- first replica's random value wins.
CREATE TABLE registry_secrets (
    name   text  PRIMARY KEY,
    value  bytea NOT NULL
);
