-- Users the registry creates itself (the first-start admin), shared by every replica so that they
-- never each make their own. The password is stored as the htpasswd file would store it (bcrypt
-- $2y$); the mounted htpasswd file, when there is one, is consulted first. The primary key gives one
-- winner when replicas race at first start.
CREATE TABLE registry_users (
    name          text        PRIMARY KEY,
    password_hash text        NOT NULL,
    created       timestamptz NOT NULL DEFAULT now()
);
