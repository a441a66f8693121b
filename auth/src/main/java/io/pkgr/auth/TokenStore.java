package io.pkgr.auth;

import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Where API tokens are kept: a file in the data directory ({@link FileTokenStore}) or, for replicas
 * sharing a catalog database, a table there. Lookups answer from memory (a credential check must
 * not wait for a disk or a database); changes go to the store before they return.
 */
public interface TokenStore {

    /** The token with this id, from memory; empty when there is none (never made, or revoked). */
    Optional<ApiToken> find(String id);

    /**
     * Like {@link #find}, but asks the store itself when memory does not know the id: a token made
     * on another replica a moment ago works at once. May block; the default is {@link #find}.
     */
    default Optional<ApiToken> findFresh(String id) throws IOException {
        return find(id);
    }

    /** Every token, sorted by owner and name. */
    List<ApiToken> list() throws IOException;

    /**
     * Stores a new token; false (and nothing stored) when its owner already has a token of that
     * name.
     */
    boolean insert(ApiToken token) throws IOException;

    /** Removes the token with this id: the removed token, or empty when there was none. */
    Optional<ApiToken> delete(String id) throws IOException;

    /** Records when tokens were last used (written lazily, many at once). */
    void recordUse(Map<String, Instant> lastUsed) throws IOException;
}
