package io.pkgr.cli.e2e;

import static io.pkgr.cli.e2e.PublishingEndToEndTest.assertOk;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pkgr.cli.ExitCode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** {@code pkgr token} and {@code pkgr admin audit} against a real {@code pkgr serve} process. */
class TokenEndToEndTest extends RegistryProcessTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @BeforeEach
    void configure() {
        assertOk(cli.run("config", "repositories.private", server.url.toString()));
        assertOk(cli.run("config", "http-basic.private", "admin", server.adminPassword));
    }

    /** A second CLI home that logs in with {@code token} as the password of {@code __token__}. */
    private Cli withToken(String token, String name) throws IOException {
        Cli ci = new Cli(Files.createDirectories(home.resolve("ci-" + name)));
        ci.env.put("PKGR_REPOSITORIES_PRIVATE_URL", server.url.toString());
        ci.env.put("PKGR_HTTP_BASIC_PRIVATE_USERNAME", "__token__");
        ci.env.put("PKGR_HTTP_BASIC_PRIVATE_PASSWORD", token);
        return ci;
    }

    private Path built(Cli as, String name) throws IOException {
        Path dir = Files.createDirectories(home.resolve("src-" + name));
        assertOk(as.in(dir).run("init", "--runtime", "exec", "--name", name));
        assertOk(as.in(dir).run("build"));
        return dir;
    }

    private List<String> auditLines() throws IOException {
        return Files.readAllLines(serverDir.resolve("data/audit/audit.log"));
    }

    @Test
    void aTokenMadeByTheCliPublishesWithinItsScopeOnlyUntilRevoked() throws IOException {
        Cli.Result created = assertOk(cli.run("token", "create", "--name", "ci-export", "--scope", "ci-*:publish",
                "--expires", "30d"));
        String token = created.out().strip();
        assertTrue(token.startsWith("pkgr_"), created.toString());
        assertTrue(created.err().contains("made token ci-export (id " + token.substring(5, 15) + ") of admin: ci-*:publish,"
                + " expires "), created.err());
        assertTrue(created.err().contains("shown this once"), created.err());
        Cli ci = withToken(token, "one");

        Cli.Result inScope = ci.in(built(ci, "ci-export")).run("publish", "-r", "private");
        Cli.Result outOfScope = ci.in(built(ci, "nightly-job")).run("publish", "-r", "private");
        Cli.Result listed = assertOk(cli.run("token", "list"));
        Cli.Result revoked = assertOk(cli.run("token", "revoke", "ci-export"));
        Cli.Result afterRevoke = ci.in(home.resolve("src-ci-export")).run("show", "-r", "private", "ci-export==0.1.0");

        assertEquals(0, inScope.exitCode(), inScope.toString());
        assertEquals(ExitCode.AUTH, outOfScope.exitCode(), outOfScope.toString());
        assertTrue(outOfScope.err().contains("API token 'ci-export' of user 'admin' may not publish nightly-job"),
                outOfScope.err());
        assertTrue(listed.out().contains(token.substring(5, 15)) && listed.out().contains("ci-*:publish"), listed.out());
        assertFalse(listed.out().contains(token.substring(16)), "never the secret again");
        assertEquals("revoked token ci-export (id " + token.substring(5, 15) + ") of admin\n", revoked.out());
        assertEquals(ExitCode.AUTH, afterRevoke.exitCode(), afterRevoke.toString());
        assertTrue(afterRevoke.err().contains("unknown or revoked API token"), afterRevoke.err());
        assertFalse(String.join("\n", auditLines()).contains(token.substring(16)), "no secret in the audit log");
    }

    @Test
    void aTokenCannotManageTokensNorBeMadeWiderThanItsOwner() throws IOException {
        String token = assertOk(cli.run("token", "create", "--name", "reader", "--scope", "*:read")).out().strip();
        Cli ci = withToken(token, "two");

        Cli.Result byToken = ci.run("token", "create", "--name", "more", "--scope", "*:read");
        Cli.Result badScope = cli.run("token", "create", "--name", "bad", "--scope", "nonsense");
        Cli.Result badExpiry = cli.run("token", "create", "--name", "bad", "--scope", "*:read", "--expires", "soon");
        Cli.Result twice = cli.run("token", "create", "--name", "reader", "--scope", "*:read");
        Cli.Result unknown = cli.run("token", "revoke", "nope");

        assertEquals(ExitCode.AUTH, byToken.exitCode(), byToken.toString());
        assertTrue(byToken.err().contains("API tokens cannot manage tokens"), byToken.err());
        assertEquals(ExitCode.USAGE, badScope.exitCode(), badScope.toString());
        assertTrue(badScope.err().contains("PATTERN:PERMISSION"), badScope.err());
        assertEquals(ExitCode.USAGE, badExpiry.exitCode(), badExpiry.toString());
        assertEquals(ExitCode.CONFLICT, twice.exitCode(), twice.toString());
        assertEquals(ExitCode.NOT_FOUND, unknown.exitCode(), unknown.toString());
        assertOk(cli.run("token", "revoke", "reader"));
    }

    @Test
    void adminAuditShowsWhoChangedWhatFilteredByNameActionAndTime() throws IOException {
        String token = assertOk(cli.run("token", "create", "--name", "audit-ci", "--scope", "audited-*:publish")).out().strip();
        Cli ci = withToken(token, "three");
        assertOk(ci.in(built(ci, "audited-job")).run("publish", "-r", "private"));
        assertOk(cli.run("yank", "-r", "private", "audited-job==0.1.0", "--reason", "test"));
        Path data = serverDir.resolve("data");

        Cli.Result table = assertOk(cli.run("admin", "audit", "--data", data.toString(), "--name", "audited-*"));
        Cli.Result json = assertOk(cli.run("admin", "audit", "--data", data.toString(), "--name", "audited-*",
                "--action", "publish", "--since", "1h", "--json"));
        Cli.Result future = assertOk(cli.run("admin", "audit", "--data", data.toString(), "--since", "2999-01-01"));
        Cli.Result badSince = cli.run("admin", "audit", "--data", data.toString(), "--since", "yesterday");
        Cli.Result noLog = cli.run("admin", "audit", "--data", home.toString());

        List<String> rows = table.out().lines().toList();
        assertTrue(rows.get(0).startsWith("TIME"), table.out());
        assertEquals(3, rows.size(), "a header, the publish and the yank: " + table.out());
        assertTrue(rows.get(1).contains("publish") && rows.get(1).contains("audited-job") && rows.get(1).contains("token audit-ci"),
                rows.get(1));
        assertTrue(rows.get(2).contains("yank") && rows.get(2).contains("reason: test"), rows.get(2));
        JsonNode line = JSON.readTree(json.out().lines().findFirst().orElseThrow());
        assertEquals("publish", line.path("action").asText());
        assertEquals("ok", line.path("outcome").asText());
        assertEquals("admin", line.path("user").asText());
        assertEquals(token.substring(5, 15), line.path("token_id").asText());
        assertEquals("audited-job", line.path("name").asText());
        assertEquals("0.1.0", line.path("version").asText());
        assertEquals("127.0.0.1", line.path("address").asText());
        assertEquals(64, line.path("sha256").asText().length());
        assertEquals(1, json.out().lines().count(), json.out());
        assertEquals(1, future.out().lines().count(), "the header only: " + future.out());
        assertEquals(ExitCode.USAGE, badSince.exitCode(), badSince.toString());
        assertEquals(ExitCode.NOT_FOUND, noLog.exitCode(), noLog.toString());
    }
}
