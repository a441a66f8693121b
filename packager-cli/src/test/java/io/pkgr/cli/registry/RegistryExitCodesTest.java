package io.pkgr.cli.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.pkgr.api.ErrorCode;
import io.pkgr.bundle.BundleName;
import io.pkgr.cli.CliException;
import io.pkgr.cli.ExitCode;
import io.pkgr.cli.config.Repository;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The exit code of a failed registry call comes from the server's error code through one table;
 * the HTTP status decides only when the answer is not a pkgr error.
 */
class RegistryExitCodesTest {

    private static final Set<Integer> FAILURE_EXITS =
            Set.of(ExitCode.USAGE, ExitCode.NOT_FOUND, ExitCode.AUTH, ExitCode.CONFLICT, ExitCode.REGISTRY, ExitCode.INTEGRITY);

    private HttpServer server;

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
        }
    }

    @ParameterizedTest
    @EnumSource(ErrorCode.class)
    void everyErrorCodeHasAFailureExitCode(ErrorCode code) {
        int exit = RegistryExitCodes.of(code);

        assertTrue(FAILURE_EXITS.contains(exit), code + " exits " + exit);
    }

    /** The codes keep the exit codes their statuses gave before the table; a deliberate change edits this test. */
    @ParameterizedTest
    @EnumSource(ErrorCode.class)
    void everyErrorCodeExitsAsItsStatusDidBeforeTheTable(ErrorCode code) {
        int expected = switch (code) {
            // layered publish: the client's own protocol steps failing is the registry's side, not a conflict or usage
            case BLOBS_MISSING, ASSEMBLY_MISMATCH -> ExitCode.REGISTRY;
            // a stored blob that does not match its digest is an integrity failure, as a bad download is
            case BLOB_CORRUPT -> ExitCode.INTEGRITY;
            // a signature the registry refuses is an integrity failure, as an untrusted one is on run
            case SIGNATURE_INVALID -> ExitCode.INTEGRITY;
            default -> RegistryExitCodes.ofStatus(code.status());
        };
        assertEquals(expected, RegistryExitCodes.of(code), code.name());
    }

    @Test
    void theServersErrorCodeDecidesTheExitCodeNotTheStatus() throws IOException {
        // a 400 would be a usage error; the code says the version exists
        answer(400, "application/json",
                "{\"error\":{\"code\":\"VERSION_EXISTS\",\"message\":\"tool 1.0.0 already exists with sha256 abc\"}}");

        CliException e = assertThrows(CliException.class, () -> client().versions(new BundleName("tool")));

        assertEquals(ExitCode.CONFLICT, e.exitCode());
        assertEquals("tool 1.0.0 already exists with sha256 abc", e.getMessage());
    }

    @Test
    void aProxysHtmlErrorPageFallsBackToTheStatus() throws IOException {
        answer(502, "text/html", "<html><body><h1>502 Bad Gateway</h1></body></html>");

        CliException e = assertThrows(CliException.class, () -> client().versions(new BundleName("tool")));

        assertEquals(ExitCode.REGISTRY, e.exitCode());
        assertTrue(e.getMessage().endsWith("answered HTTP 502"), e.getMessage());
    }

    @Test
    void anErrorCodeNewerThanTheClientFallsBackToTheStatus() throws IOException {
        answer(404, "application/json", "{\"error\":{\"code\":\"SOMETHING_NEW\",\"message\":\"no such thing\"}}");

        CliException e = assertThrows(CliException.class, () -> client().versions(new BundleName("tool")));

        assertEquals(ExitCode.NOT_FOUND, e.exitCode());
        assertEquals("no such thing", e.getMessage());
    }

    @Test
    void anAnswerThatIsNotTheProtocolsRecordIsARegistryError() throws IOException {
        answer(200, "application/json", "{\"name\":\"tool\",\"latest\":null,\"versions\":[{\"version\":\"not-semver\"}]}");

        CliException e = assertThrows(CliException.class, () -> client().versions(new BundleName("tool")));

        assertEquals(ExitCode.REGISTRY, e.exitCode());
    }

    /** Starts a loopback server that answers every request with {@code status} and {@code body}. */
    private void answer(int status, String contentType, String body) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", exchange -> {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", contentType);
            exchange.sendResponseHeaders(status, bytes.length);
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        });
        server.start();
    }

    private RegistryClient client() {
        URI url = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/");
        return new RegistryClient(new Repository("local", url, null, null));
    }
}
