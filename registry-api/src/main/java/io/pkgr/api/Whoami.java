package io.pkgr.api;

import com.fasterxml.jackson.annotation.JsonProperty;

/** {@code GET /api/v1/whoami}: the user the registry authenticated (anonymous callers get 401). */
public record Whoami(@JsonProperty("user") String user) {
}
