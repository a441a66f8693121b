-- pkgr's catalog of record. Blobs stay in the blob store; these tables say which exist and what
-- they are. Names are PEP 503 normalised. The unique constraints are what keeps one winner per
-- version across every replica; the per-name rows are locked (SELECT ... FOR UPDATE) by each
-- change so that changes to one name are serialised across replicas.

CREATE TABLE bundles (
    name        text PRIMARY KEY
);

CREATE TABLE bundle_versions (
    name        text        NOT NULL REFERENCES bundles (name),
    version     text        NOT NULL,             -- SemVer 2.0 as published
    precedence  text        NOT NULL,             -- the version without build metadata
    sha256      char(64)    NOT NULL,
    size        bigint      NOT NULL,
    published   timestamptz NOT NULL,
    record      text        NOT NULL,             -- the version record as published (JSON, yanked false)
    PRIMARY KEY (name, version),
    -- SemVer 2.0 (section 10): 2.0.0+a and 2.0.0 have the same precedence, one of them only
    CONSTRAINT one_version_per_precedence UNIQUE (name, precedence)
);

CREATE TABLE bundle_yanks (
    name        text        NOT NULL,
    version     text        NOT NULL,
    reason      text,
    yanked_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (name, version),
    FOREIGN KEY (name, version) REFERENCES bundle_versions (name, version) ON DELETE CASCADE
);

CREATE TABLE pypi_projects (
    name        text PRIMARY KEY
);

CREATE TABLE pypi_files (
    project          text        NOT NULL REFERENCES pypi_projects (name),
    filename         text        NOT NULL,
    display_name     text        NOT NULL,        -- the name as the uploader spelled it
    version          text        NOT NULL,        -- PEP 440, normalised
    release          text        NOT NULL,        -- canonical: trailing zeros dropped (1.0 = 1.0.0)
    filetype         text        NOT NULL CHECK (filetype IN ('sdist', 'bdist_wheel')),
    sha256           char(64)    NOT NULL,
    md5              text,
    blake2_256       text,
    size             bigint      NOT NULL,
    requires_python  text,
    metadata_sha256  char(64),
    metadata_size    bigint      NOT NULL,
    uploader         text        NOT NULL,
    uploaded         timestamptz NOT NULL,
    PRIMARY KEY (project, filename)
);

-- one sdist per release, as on PyPI
CREATE UNIQUE INDEX pypi_one_sdist_per_release ON pypi_files (project, release) WHERE filetype = 'sdist';

-- one wheel per release and compatibility tag: two wheels sharing a tag would replace each other for pip
CREATE TABLE pypi_wheel_tags (
    project     text NOT NULL,
    release     text NOT NULL,
    tag         text NOT NULL,
    filename    text NOT NULL,
    PRIMARY KEY (project, release, tag),
    FOREIGN KEY (project, filename) REFERENCES pypi_files (project, filename) ON DELETE CASCADE
);

CREATE TABLE pypi_yanks (
    project     text        NOT NULL,
    filename    text        NOT NULL,
    reason      text,
    yanked_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (project, filename),
    FOREIGN KEY (project, filename) REFERENCES pypi_files (project, filename) ON DELETE CASCADE
);

-- every change, numbered: replicas catch up from the last number they applied. The counter row is
-- updated inside each change's transaction, so numbers commit in order (a reader never skips one).
CREATE TABLE catalog_counter (
    id          int    PRIMARY KEY CHECK (id = 1),
    seq         bigint NOT NULL
);
INSERT INTO catalog_counter VALUES (1, 0);

CREATE TABLE catalog_changes (
    seq         bigint      PRIMARY KEY,
    kind        text        NOT NULL CHECK (kind IN ('bundle', 'pypi')),
    name        text        NOT NULL,
    changed_at  timestamptz NOT NULL DEFAULT now()
);
