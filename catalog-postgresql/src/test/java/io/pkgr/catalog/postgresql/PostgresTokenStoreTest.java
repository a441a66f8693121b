package io.pkgr.catalog.postgresql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pkgr.auth.ApiToken;
import io.pkgr.auth.Permission;
import io.pkgr.auth.TokenScope;
import io.pkgr.auth.TokenStore;
import io.pkgr.registry.catalog.CatalogMetrics;
import io.pkgr.testing.PostgresCluster;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** API tokens in PostgreSQL: scopes kept as written, so Maven coordinates match exactly; older rows still read. */
class PostgresTokenStoreTest {

    static PostgresCluster pg;
    static int databases;

    @BeforeAll
    static void startPostgres() throws IOException {
        pg = PostgresCluster.launch();
    }

    @AfterAll
    static void stopPostgres() {
        if (pg != null) {
            pg.close();
        }
    }

    @Test
    void aScopeOnMavenCoordinatesIsKeptAsWrittenAndMatchesThemExactly() throws IOException {
        String db = "tokens" + (++databases);
        String url = pg.createDatabase(db);
        ApiToken made = token("t1", List.of(TokenScope.parse("org.foo-bar:*:publish"), TokenScope.parse("Churn_*:read")));
        try (PostgresCatalogRecords one = open(url); PostgresCatalogRecords two = open(url)) {
            assertTrue(one.tokenStore().orElseThrow().insert(made));

            // another replica reads it from the table
            ApiToken read = two.tokenStore().orElseThrow().findFresh("t1").orElseThrow();

            assertEquals(made, read);
            assertEquals("org.foo-bar:*:publish Churn_*:read", pg.psql(db, "SELECT scopes FROM api_tokens"));
            assertTrue(read.allowsExactly(Permission.PUBLISH, "org.foo-bar:lib"));
            assertFalse(read.allowsExactly(Permission.PUBLISH, "org.foo.bar:lib"));
            assertFalse(read.allowsExactly(Permission.READ, "org.foo_bar:lib"));
            assertFalse(read.allowsExactly(Permission.READ, "Org.foo-bar:lib"));
            assertTrue(read.allows(Permission.READ, "churn-model"), "bundle names still match folded");
        }
    }

    @Test
    void aRowWithNormalisedScopesFromBeforeStillReads() throws IOException {
        String db = "tokens" + (++databases);
        String url = pg.createDatabase(db);
        try (PostgresCatalogRecords records = open(url)) {
            TokenStore store = records.tokenStore().orElseThrow();
            pg.psql(db, "INSERT INTO api_tokens (id, owner, name, scopes, secret_sha256, created)"
                    + " VALUES ('old1', 'alice', 'old', 'churn-*:publish *:read', '" + "0".repeat(64) + "', now())");

            ApiToken old = store.findFresh("old1").orElseThrow();

            assertEquals("[churn-*:publish, *:read]", old.scopes().toString());
            assertTrue(old.allows(Permission.PUBLISH, "churn-model"));
            assertTrue(old.allowsExactly(Permission.READ, "org.foo.bar:lib"), "'*' reads the same as written");
            assertFalse(old.allowsExactly(Permission.PUBLISH, "churn.x:lib"), "a normalised pattern matches only that spelling");
        }
    }

    @Test
    void aRowThisVersionCannotReadIsRefusedAndTheOthersStillComeAndGo() throws Exception {
        String db = "tokens" + (++databases);
        String url = pg.createDatabase(db);
        String insert = "INSERT INTO api_tokens (id, owner, name, scopes, secret_sha256, created) VALUES ('%s', 'alice', '%s',"
                + " '%s', '" + "0".repeat(64) + "', now())";
        try (PostgresCatalogRecords records = open(url)) {
            pg.psql(db, String.format(insert, "ok1", "ok", "churn-*:read"));
            pg.psql(db, String.format(insert, "new1", "from-a-newer-version", "churn-*:deploy"));
            TokenStore store = records.tokenStore().orElseThrow();

            assertTrue(store.find("ok1").isPresent(), "one unreadable row must not hide the others");
            assertTrue(store.find("new1").isEmpty());

            // a revocation elsewhere still arrives with the next re-read
            pg.psql(db, "DELETE FROM api_tokens WHERE id = 'ok1'");
            long deadline = System.nanoTime() + Duration.ofSeconds(4 * PostgresTokenStore.REFRESH_SECONDS).toNanos();
            while (store.find("ok1").isPresent()) {
                assertTrue(System.nanoTime() < deadline, "the revoked token is still known");
                Thread.sleep(100);
            }
        }
    }

    @Test
    void theFormatIsRecordedOnTheColumn() throws IOException {
        String db = "tokens" + (++databases);
        String url = pg.createDatabase(db);
        try (PostgresCatalogRecords records = open(url)) {
            String comment = pg.psql(db, "SELECT col_description('api_tokens'::regclass, 4)");

            assertTrue(comment.contains("PATTERN as written"), comment);
        }
    }

    private static ApiToken token(String id, List<TokenScope> scopes) {
        return new ApiToken(id, "alice", "ci-" + id, scopes, Instant.parse("2026-01-01T00:00:00Z"), null, null, "0".repeat(64));
    }

    private static PostgresCatalogRecords open(String url) throws IOException {
        return PostgresCatalogRecords.open(PgUrl.parse(url, pg.password()), Duration.ofSeconds(30), Duration.ZERO,
                CatalogMetrics.NONE);
    }
}
