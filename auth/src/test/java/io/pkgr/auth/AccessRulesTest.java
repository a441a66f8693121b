package io.pkgr.auth;

import static io.pkgr.auth.Permission.ADMIN;
import static io.pkgr.auth.Permission.PUBLISH;
import static io.pkgr.auth.Permission.READ;
import static io.pkgr.auth.Permission.YANK;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Grants, groups, patterns and their precedence, as documented in docs/auth.md. */
class AccessRulesTest {

    static final String EXAMPLE = """
            groups:
              team-a: [alice, bob]
              release-managers: [carol]
            rules:
              - bundles: ["team-a-*"]
                groups: [team-a]
                allow: [publish]
              - bundles: ["team-a-*", "shared_utils"]
                groups: [release-managers]
                allow: [yank]
              - bundles: ["*"]
                users: [root]
                allow: [admin]
              - bundles: ["public-*"]
                anonymous: true
                allow: [read]
              - bundles: ["docs-*"]
                users: ["*"]
                allow: [read]
            """;

    @TempDir
    Path dir;

    @ParameterizedTest(name = "{0} {1} {2} -> {3}")
    @CsvSource(nullValues = "ANON", textBlock = """
            alice, read,    team-a-model,  true
            alice, publish, team-a-model,  true
            alice, yank,    team-a-model,  false
            alice, admin,   team-a-model,  false
            alice, read,    team-b-model,  false
            alice, publish, team-b-model,  false
            bob,   publish, Team_A.Scorer, true
            carol, yank,    team-a-model,  true
            carol, read,    team-a-model,  true
            carol, publish, team-a-model,  false
            carol, yank,    shared-utils,  true
            root,  admin,   anything,      true
            root,  yank,    anything,      true
            root,  publish, anything,      true
            ANON,  read,    public-data,   true
            ANON,  publish, public-data,   false
            ANON,  read,    team-a-model,  false
            alice, read,    public-data,   true
            dave,  read,    docs-site,     true
            ANON,  read,    docs-site,     false
            dave,  read,    team-a-model,  false
            """)
    void ruleMatrix(String user, String permission, String bundle, boolean allowed) throws IOException {
        // given
        AccessRules rules = AccessRules.parse(EXAMPLE);

        // when / then
        assertEquals(allowed, rules.allows(user, Permission.parse(permission), bundle));
    }

    @ParameterizedTest(name = "{0} may {1} some name -> {2}")
    @CsvSource(nullValues = "ANON", textBlock = """
            alice, publish, true
            carol, publish, false
            carol, yank,    true
            root,  publish, true
            dave,  publish, false
            dave,  read,    true
            ANON,  publish, false
            """)
    void somePermissionOnSomeNameIsTheUnionOfTheGrantsThatApply(String user, String permission, boolean allowed)
            throws IOException {
        AccessRules rules = AccessRules.parse(EXAMPLE);

        assertEquals(allowed, rules.allowsOnSomeName(user, Permission.parse(permission)));
    }

    @Test
    void everythingIsDeniedWhenNothingGrantsIt() throws IOException {
        // given
        AccessRules rules = AccessRules.parse("rules: []\n");

        // when / then
        for (Permission p : Permission.values()) {
            assertFalse(rules.allows("alice", p, "x"));
            assertFalse(rules.allows(null, p, "x"));
        }
    }

    @Test
    void builtInDefaultGivesTheAdminUserEverythingAndOthersNothing() {
        // given
        AccessRules rules = AccessRules.adminOnly("admin");

        // when / then
        for (Permission p : Permission.values()) {
            assertTrue(rules.allows("admin", p, "any-bundle"));
            assertFalse(rules.allows("alice", p, "any-bundle"));
            assertFalse(rules.allows(null, p, "any-bundle"));
        }
    }

    @Test
    void anonymousReadSwitchOpensReadingOnly() {
        // given
        AccessRules rules = AccessRules.adminOnly("admin");

        // when
        rules.setAnonymousRead(true);

        // then
        assertTrue(rules.allows(null, READ, "any-bundle"));
        assertTrue(rules.allows("alice", READ, "any-bundle"));
        assertFalse(rules.allows(null, PUBLISH, "any-bundle"));
        assertFalse(rules.allows(null, YANK, "any-bundle"));
    }

    @Test
    void patternsAndNamesAreComparedPep503Normalised() throws IOException {
        // given
        AccessRules rules = AccessRules.parse("""
                rules:
                  - bundles: ["Team_A..*"]
                    users: [alice]
                    allow: [read]
                """);

        // when / then
        assertTrue(rules.allows("alice", READ, "team-a-model"));
        assertTrue(rules.allows("alice", READ, "TEAM.A_model"));
        assertFalse(rules.allows("alice", READ, "teama-model"));
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "rules:\n  - bundles: ['*']\n    users: [a]\n    allow: [write]\n",
        "rules:\n  - bundles: ['*']\n    users: [a]\n    permissions: [read]\n",
        "rules:\n  - bundles: ['*']\n    allow: [read]\n",
        "rules:\n  - users: [a]\n    allow: [read]\n",
        "rules:\n  - bundles: ['*']\n    groups: [undefined]\n    allow: [read]\n",
        "rules:\n  - bundles: ['*']\n    anonymous: yes please\n    allow: [read]\n",
        "rulez: []\n",
        "- just a list\n",
        "rules: {a: b}\n",
        "groups: [a, b]\n",
        "rules:\n  - bundles: ['*']\n    users: [a]\n    allow: []\n",
        "rules: [\n",
    })
    void invalidRulesFileIsRejectedWithAReason(String yaml) {
        // given / when / then
        assertThrows(Exception.class, () -> AccessRules.parse(yaml));
    }

    @Test
    void invalidFileAtStartIsAnError() throws IOException {
        // given
        Path p = Files.writeString(dir.resolve("access.yaml"), "rules:\n  - bundles: ['*']\n    allow: [read]\n");

        // when / then
        IOException e = assertThrows(IOException.class, () -> AccessRules.load(p));
        assertTrue(e.getMessage().contains("rule 1"), e.getMessage());
    }

    @Test
    void changedFileIsReloadedAndABrokenOneKeepsTheLastGoodRules() throws IOException {
        // given
        Path p = Files.writeString(dir.resolve("access.yaml"), EXAMPLE);
        AccessRules rules = AccessRules.load(p, Duration.ofDays(1), new ManualTicker());

        // when: a valid change
        Files.writeString(p, "rules:\n  - bundles: ['*']\n    users: [dave]\n    allow: [publish]\n");
        rules.checkNow();

        // then
        assertTrue(rules.allows("dave", PUBLISH, "x"));
        assertFalse(rules.allows("root", ADMIN, "x"));

        // and when: a broken change
        Files.writeString(p, "rules:\n  - bundles: ['*']\n    users: [dave]\n    allow: [publsh]\n");
        rules.checkNow();

        // then
        assertTrue(rules.allows("dave", PUBLISH, "x"));
    }

    @Test
    void emptyRulesFileDeniesEverything() throws IOException {
        // given
        Path p = Files.writeString(dir.resolve("access.yaml"), "# nothing yet\n");

        // when
        AccessRules rules = AccessRules.load(p);

        // then
        assertFalse(rules.allows("alice", READ, "x"));
    }

    @Test
    void adminImpliesAllAndPublishAndYankImplyRead() {
        // given / when / then
        for (Permission p : Permission.values()) {
            assertTrue(ADMIN.implies(p));
            assertEquals(p == READ || p == PUBLISH, PUBLISH.implies(p));
            assertEquals(p == READ || p == YANK, YANK.implies(p));
            assertEquals(p == READ, READ.implies(p));
        }
    }

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource(textBlock = """
            publish, org.foo-bar:lib,  true
            read,    org.foo-bar:lib,  true
            publish, org.foo.bar:lib,  false
            publish, org.foo_bar:lib,  false
            read,    org.foo.bar:lib,  false
            publish, Org.foo-bar:lib,  false
            publish, ORG.FOO-BAR:lib,  false
            publish, org.foo-bar.x:lib, false
            """)
    void mavenCoordinatesMatchThePatternExactlyAsWritten(String permission, String coordinates, boolean allowed)
            throws IOException {
        AccessRules rules = AccessRules.parse("""
                rules:
                  - bundles: ["org.foo-bar:*"]
                    users: [alice]
                    allow: [publish]
                """);

        assertEquals(allowed, rules.allowsExactly("alice", Permission.parse(permission), coordinates));
        assertEquals(NamePattern.normalize(coordinates).startsWith("org-foo-bar:"), rules.allows("alice", PUBLISH, coordinates),
                "bundle and project names keep folding");
    }

    @Test
    void aScopeIsCoveredOnlyWhenItsPatternIsCoveredAsWrittenToo() throws IOException {
        AccessRules rules = AccessRules.parse("""
                rules:
                  - bundles: ["org.foo-bar:*"]
                    users: [alice]
                    allow: [publish]
                """);

        assertTrue(rules.allowsEveryName("alice", PUBLISH, "org.foo-bar:*"));
        assertTrue(rules.allowsEveryName("alice", PUBLISH, "org.foo-bar:lib-*"));
        assertFalse(rules.allowsEveryName("alice", PUBLISH, "org.foo.bar:*"));
        assertFalse(rules.allowsEveryName("alice", PUBLISH, "ORG.FOO-BAR:*"));
    }

    @ParameterizedTest(name = "{0} ~ {1} -> {2}")
    @CsvSource(textBlock = """
            *,          anything,   true
            team-a-*,   team-a-x,   true
            team-a-*,   team-a-,    true
            team-a-*,   team-b-x,   false
            *-model,    churn-model, true
            a*b*c,      axxbyyc,    true
            a*b*c,      axxbyy,     false
            exact,      exact,      true
            exact,      exactly,    false
            """)
    void globPatternsMatchWithStars(String pattern, String name, boolean matches) {
        // given / when / then
        assertEquals(matches, NamePattern.of(pattern).matches(name));
    }
}
