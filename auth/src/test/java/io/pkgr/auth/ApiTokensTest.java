package io.pkgr.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** API tokens: made once, stored as a hash, checked as a Bearer header or the password of __token__. */
class ApiTokensTest {

    @TempDir
    Path dir;

    private static final List<TokenScope> PUBLISH_CHURN = List.of(TokenScope.parse("churn-*:publish"));

    private ApiTokens tokens() throws IOException {
        return new ApiTokens(FileTokenStore.open(dir.resolve("tokens.json")));
    }

    private Authenticator authenticator(ApiTokens tokens) throws IOException {
        Path file = RealHtpasswd.write(dir.resolve("htpasswd"), RealHtpasswd.line("alice", "alice-pw", "-B", "-C", "4"));
        return Authenticator.builder(file).tokens(tokens).build();
    }

    @Test
    void aTokenIsStoredOnlyAsTheHashOfItsSecret() throws IOException {
        ApiTokens tokens = tokens();

        ApiTokens.Created created = tokens.create("alice", "ci-churn", PUBLISH_CHURN, null).orElseThrow();

        String stored = Files.readString(dir.resolve("tokens.json"));
        String secret = created.secret().substring(created.secret().lastIndexOf('_') + 1);
        assertTrue(created.secret().startsWith("pkgr_" + created.token().id() + "_"), created.secret());
        assertFalse(stored.contains(secret), stored);
        assertTrue(stored.contains(created.token().secretSha256()), stored);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("tokens.json"))));
        assertEquals(List.of(created.token()), FileTokenStore.open(dir.resolve("tokens.json")).list());
    }

    @Test
    void aTokenAuthenticatesAsBearerAndAsThePasswordOfTokenUser() throws IOException {
        ApiTokens tokens = tokens();
        Authenticator auth = authenticator(tokens);
        String token = tokens.create("alice", "ci", PUBLISH_CHURN, null).orElseThrow().secret();

        AuthResult bearer = auth.authenticate("Bearer " + token, "10.0.0.1");
        AuthResult basic = auth.authenticate(VerificationCacheTest.basic("__token__", token), "10.0.0.1");

        assertEquals(AuthResult.Status.OK, bearer.status());
        assertEquals("alice", bearer.user());
        assertEquals("ci", bearer.token().name());
        assertEquals(bearer, basic);
    }

    @Test
    void aWrongSecretARevokedAndAnExpiredTokenAreRefused() throws IOException {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");
        ApiTokens tokens = new ApiTokens(FileTokenStore.open(dir.resolve("tokens.json")),
                Clock.fixed(now, ZoneOffset.UTC), Duration.ofHours(1));
        Authenticator auth = authenticator(tokens);
        String good = tokens.create("alice", "good", PUBLISH_CHURN, null).orElseThrow().secret();
        ApiTokens.Created revoked = tokens.create("alice", "revoked", PUBLISH_CHURN, null).orElseThrow();
        String expired = tokens.create("alice", "old", PUBLISH_CHURN, now).orElseThrow().secret();
        tokens.revoke(revoked.token().id());

        assertEquals(AuthResult.Status.TOKEN_INVALID,
                auth.authenticate("Bearer " + good.substring(0, good.length() - 2) + "xx", "10.0.0.1").status());
        assertEquals(AuthResult.Status.TOKEN_INVALID, auth.authenticate("Bearer " + revoked.secret(), "10.0.0.1").status());
        AuthResult old = auth.authenticate("Bearer " + expired, "10.0.0.1");
        assertEquals(AuthResult.Status.TOKEN_EXPIRED, old.status());
        assertEquals("old", old.token().name());
        assertNull(old.user());
        assertEquals(AuthResult.Status.TOKEN_INVALID, auth.authenticate("Bearer nonsense", "10.0.0.1").status());
    }

    @Test
    void withoutTokensABearerHeaderIsMalformedAndTokenUserIsAnOrdinaryName() throws IOException {
        Path file = RealHtpasswd.write(dir.resolve("htpasswd"), RealHtpasswd.line("alice", "alice-pw", "-B", "-C", "4"));
        Authenticator auth = Authenticator.builder(file).build();

        assertEquals(AuthResult.malformed(), auth.authenticate("Bearer pkgr_abcdefghij_secret", "10.0.0.1"));
        assertEquals(AuthResult.Status.BAD_CREDENTIALS,
                auth.authenticate(VerificationCacheTest.basic("__token__", "pkgr_abcdefghij_secret"), "10.0.0.1").status());
    }

    @Test
    void aTokenOfARemovedUserStopsWorking() throws Exception {
        ApiTokens tokens = tokens();
        String token = tokens.create("carol", "ci", PUBLISH_CHURN, null).orElseThrow().secret();

        AuthResult result = authenticator(tokens).authenticate("Bearer " + token, "10.0.0.1");

        assertEquals(AuthResult.Status.TOKEN_INVALID, result.status());
    }

    @Test
    void aSecondTokenOfTheSameNameIsRefused() throws IOException {
        ApiTokens tokens = tokens();
        tokens.create("alice", "ci", PUBLISH_CHURN, null).orElseThrow();

        assertTrue(tokens.create("alice", "ci", PUBLISH_CHURN, null).isEmpty());
        assertTrue(tokens.create("bob", "ci", PUBLISH_CHURN, null).isPresent());
        assertEquals(2, tokens.list().size());
    }

    @Test
    void lastUseIsNotedInMemoryAndWrittenInABatch() throws IOException {
        ApiTokens tokens = tokens();
        ApiTokens.Created created = tokens.create("alice", "ci", PUBLISH_CHURN, null).orElseThrow();
        String before = Files.readString(dir.resolve("tokens.json"));

        assertEquals(ApiTokens.Status.OK, tokens.check(created.secret()).status());

        assertEquals(before, Files.readString(dir.resolve("tokens.json")), "nothing written on the request path");
        assertNotNull(tokens.list().get(0).lastUsed(), "a listing writes the noted use first");
        assertNotNull(FileTokenStore.open(dir.resolve("tokens.json")).list().get(0).lastUsed());
    }

    @Test
    void scopesMatchNamePatternsAndPermissionsImplyAsRulesDo() {
        TokenScope scope = TokenScope.parse("Churn_*:publish");

        assertEquals("Churn_*", scope.pattern(), "kept as written");
        assertEquals("churn-*", scope.namePattern().normalized());
        assertTrue(scope.allows(Permission.PUBLISH, "churn-model"));
        assertTrue(scope.allows(Permission.READ, "churn-model"));
        assertFalse(scope.allows(Permission.YANK, "churn-model"));
        assertFalse(scope.allows(Permission.PUBLISH, "fraud-model"));
        IllegalArgumentException bad = assertThrows(IllegalArgumentException.class, () -> TokenScope.parse("churn-*"));
        assertTrue(bad.getMessage().contains("PATTERN:PERMISSION"), bad.getMessage());
        assertThrows(IllegalArgumentException.class, () -> TokenScope.parse("churn:delete"));
        assertThrows(IllegalArgumentException.class, () -> TokenScope.parse("a/b:read"));
    }

    @Test
    void aScopeOnMavenCoordinatesMatchesThemExactly() {
        TokenScope scope = TokenScope.parse("org.foo-bar:*:publish");

        assertEquals("org.foo-bar:*", scope.pattern());
        assertEquals(Permission.PUBLISH, scope.permission());
        assertTrue(scope.allowsExactly(Permission.PUBLISH, "org.foo-bar:lib"));
        assertFalse(scope.allowsExactly(Permission.PUBLISH, "org.foo.bar:lib"));
        assertFalse(scope.allowsExactly(Permission.PUBLISH, "org.foo_bar:lib"));
        assertFalse(scope.allowsExactly(Permission.READ, "Org.foo-bar:lib"));
        assertTrue(scope.allows(Permission.PUBLISH, "org-foo-bar:lib"), "folded names still match folded");
    }

    @Test
    void aTokenFileKeepsScopesAsWrittenAndReadsFilesOfFoldedScopes() throws IOException {
        ApiTokens.Created created = tokens().create("alice", "ci", List.of(TokenScope.parse("org.foo-bar:*:publish"),
                TokenScope.parse("Churn_*:read")), null).orElseThrow();
        Path old = dir.resolve("old-tokens.json");
        Files.writeString(old, """
                {"tokens": [{"id": "k3x9q2mz", "user": "alice", "name": "old", "scopes": ["churn-*:publish", "*:read"],
                  "created": "2025-01-01T00:00:00Z", "expires": null, "last_used": null,
                  "secret_sha256": "%s"}]}
                """.formatted("0".repeat(64)));

        List<ApiToken> reread = FileTokenStore.open(dir.resolve("tokens.json")).list();
        ApiToken fromOldFile = FileTokenStore.open(old).list().get(0);

        assertEquals(List.of(created.token()), reread);
        assertEquals("[org.foo-bar:*:publish, Churn_*:read]", reread.get(0).scopes().toString());
        assertTrue(fromOldFile.allows(Permission.PUBLISH, "churn-model"));
        assertTrue(fromOldFile.allowsExactly(Permission.READ, "org.foo.bar:lib"), "'*' is the same as written");
        assertFalse(fromOldFile.allowsExactly(Permission.PUBLISH, "churn.model:lib"), "a folded pattern matches only its own spelling");
    }

    @Test
    void aScopeIsWithinTheRulesOnlyWhenOneGrantCoversItsWholePattern() throws IOException {
        AccessRules rules = AccessRules.parse("""
                rules:
                  - bundles: ["team-*"]
                    users: [alice]
                    allow: [publish]
                  - bundles: ["*"]
                    users: [root]
                    allow: [admin]
                """);

        assertTrue(rules.allowsEveryName("alice", Permission.PUBLISH, "team-a-*"));
        assertTrue(rules.allowsEveryName("alice", Permission.READ, "team-x"));
        assertFalse(rules.allowsEveryName("alice", Permission.PUBLISH, "*"));
        assertFalse(rules.allowsEveryName("alice", Permission.PUBLISH, "tea*"));
        assertFalse(rules.allowsEveryName("alice", Permission.YANK, "team-a"));
        assertTrue(rules.allowsEveryName("root", Permission.ADMIN, "*"));
        assertTrue(rules.isRegistryAdmin("root"));
        assertFalse(rules.isRegistryAdmin("alice"));
    }

    @Test
    void htpasswdReloadsReportAddedChangedAndRemovedUsers() {
        PasswordHash a = PasswordHash.parse("$apr1$salt$aaaaaaaaaaaaaaaaaaaaaa").orElseThrow();
        PasswordHash b = PasswordHash.parse("$apr1$salt$bbbbbbbbbbbbbbbbbbbbbb").orElseThrow();

        UsersChange change = UsersChange.between(Map.of("kept", a, "changed", a, "gone", a),
                Map.of("kept", a, "changed", b, "new", a));

        assertEquals(new UsersChange(java.util.Set.of("new"), java.util.Set.of("changed"), java.util.Set.of("gone")), change);
    }
}
