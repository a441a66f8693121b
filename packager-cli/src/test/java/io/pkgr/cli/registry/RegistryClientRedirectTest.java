package io.pkgr.cli.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.sun.net.httpserver.HttpServer;
import io.pkgr.bundle.BundleName;
import io.pkgr.bundle.Sha256;
import io.pkgr.bundle.Version;
import io.pkgr.cli.config.Repository;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A download the registry redirects to object storage (307 to a pre-signed URL on another host
 * and port): followed, verified, and the registry's credentials never sent there.
 */
class RegistryClientRedirectTest {

    private static final byte[] BUNDLE = "bundle bytes".getBytes(StandardCharsets.UTF_8);

    @TempDir
    Path dir;
    private final List<HttpServer> servers = new CopyOnWriteArrayList<>();
    private final List<String> storageAuthorization = new CopyOnWriteArrayList<>();
    private final List<String> registryAuthorization = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() {
        servers.forEach(s -> s.stop(0));
    }

    private HttpServer server() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        servers.add(server);
        server.start();
        return server;
    }

    @Test
    void aRedirectedDownloadIsFollowedWithoutTheRegistrysCredentials() throws Exception {
        HttpServer storage = server();
        storage.createContext("/bucket/blob", exchange -> {
            storageAuthorization.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
            exchange.sendResponseHeaders(200, BUNDLE.length);
            exchange.getResponseBody().write(BUNDLE);
            exchange.close();
        });
        HttpServer registry = server();
        String presigned = "http://127.0.0.1:" + storage.getAddress().getPort() + "/bucket/blob?X-Amz-Signature=abc";
        registry.createContext("/api/v1/bundles/job/1.0.0/download", exchange -> {
            registryAuthorization.add(exchange.getRequestHeaders().getFirst("Authorization"));
            exchange.getResponseHeaders().add("Location", presigned);
            exchange.sendResponseHeaders(307, -1);
            exchange.close();
        });
        Repository repository = new Repository("private",
                URI.create("http://127.0.0.1:" + registry.getAddress().getPort() + "/"), "admin", "secret");
        Path target = dir.resolve("job-1.0.0.pkgr");

        new RegistryClient(repository).download(BundleName.parse("job"), Version.parse("1.0.0"), Sha256.ofBytes(BUNDLE),
                target, null);

        assertArrayEquals(BUNDLE, Files.readAllBytes(target));
        assertEquals(List.of("Basic YWRtaW46c2VjcmV0"), registryAuthorization);
        assertEquals(List.of("null"), storageAuthorization, "no Authorization header at the pre-signed URL");
    }
}
