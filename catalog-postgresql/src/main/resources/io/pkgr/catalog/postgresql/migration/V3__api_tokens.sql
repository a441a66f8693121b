-- API tokens, shared by every replica so that a token made on one works on all. Only the SHA-256 of
-- a token's secret is stored. Scopes are PATTERN:PERMISSION separated by spaces (patterns hold no
-- space). One name per owner.
CREATE TABLE api_tokens (
    id             text        PRIMARY KEY,
    owner          text        NOT NULL,
    name           text        NOT NULL,
    scopes         text        NOT NULL,
    secret_sha256  char(64)    NOT NULL,
    created        timestamptz NOT NULL,
    expires        timestamptz,
    last_used      timestamptz,
    CONSTRAINT one_token_name_per_owner UNIQUE (owner, name)
);
