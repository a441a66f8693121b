package io.pkgr.registry;

import static io.pkgr.registry.TestRegistry.ALICE;
import static io.pkgr.registry.TestRegistry.BOB;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsTest {

    @TempDir
    Path tmp;

    static HttpClient trusting(Path certPem) throws Exception {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(certPem)) {
            int i = 0;
            for (Certificate cert : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                trust.setCertificateEntry("c" + i++, cert);
            }
        }
        TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trust);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        return HttpClient.newBuilder().sslContext(context).connectTimeout(Duration.ofSeconds(5)).build();
    }

    @Test
    void aClientTrustingTheSelfSignedCertificateDownloads() throws Exception {
        try (TestRegistry registry = TestRegistry.start(tmp.resolve("data"), c -> c.withTlsSelfSigned(true))) {
            byte[] bundle = TestBundles.bundle(tmp, "team-tls", "1.0.0", "secure");
            HttpClient client = trusting(registry.data.resolve("tls/cert.pem"));
            assertTrue(registry.server.baseUri().toString().startsWith("https://"));

            HttpResponse<String> put = client.send(HttpRequest.newBuilder(registry.uri("/api/v1/bundles/team-tls/1.0.0"))
                    .header("Authorization", TestRegistry.basic(ALICE)).PUT(HttpRequest.BodyPublishers.ofByteArray(bundle)).build(),
                    HttpResponse.BodyHandlers.ofString());
            HttpResponse<byte[]> get = client.send(HttpRequest.newBuilder(registry.uri("/api/v1/bundles/team-tls/1.0.0/download"))
                    .header("Authorization", TestRegistry.basic(BOB)).build(), HttpResponse.BodyHandlers.ofByteArray());

            assertEquals(201, put.statusCode(), put.body());
            assertEquals(200, get.statusCode());
            assertArrayEquals(bundle, get.body());
        }
    }

    @Test
    void aPemCertificateAndKeyAreServed() throws Exception {
        // given a PEM pair (generated once by the self-signed mode, then used as operator-supplied files)
        try (TestRegistry generator = TestRegistry.start(tmp.resolve("gen"), c -> c.withTlsSelfSigned(true))) {
            Files.copy(generator.data.resolve("tls/cert.pem"), tmp.resolve("server.crt"));
            Files.copy(generator.data.resolve("tls/key.pem"), tmp.resolve("server.key"));
        }
        try (TestRegistry registry = TestRegistry.start(tmp.resolve("data"),
                c -> c.withTls(tmp.resolve("server.crt"), tmp.resolve("server.key")))) {
            HttpResponse<String> health = trusting(tmp.resolve("server.crt")).send(
                    HttpRequest.newBuilder(registry.uri("/healthz")).build(), HttpResponse.BodyHandlers.ofString());

            assertEquals(200, health.statusCode());
        }
    }

    @Test
    void aPlainHttpClientToTheTlsPortFailsCleanly() throws Exception {
        try (TestRegistry registry = TestRegistry.start(tmp.resolve("data"), c -> c.withTlsSelfSigned(true))) {
            URI plain = URI.create("http://127.0.0.1:" + registry.server.port() + "/healthz");
            HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

            assertThrows(IOException.class, () -> client.send(HttpRequest.newBuilder(plain).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString()));

            HttpResponse<String> tls = trusting(registry.data.resolve("tls/cert.pem")).send(
                    HttpRequest.newBuilder(registry.uri("/healthz")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, tls.statusCode(), "still serving TLS");
        }
    }
}
