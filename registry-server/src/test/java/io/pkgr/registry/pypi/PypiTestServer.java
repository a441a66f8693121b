package io.pkgr.registry.pypi;

import io.pkgr.registry.ServerConfig;
import io.pkgr.registry.TestRegistry;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The registry's {@link TestRegistry} (real server on port 0, users {@code admin}, {@code alice},
 * {@code bob}) with the requests the PyPI face takes: Accept negotiation and multipart uploads.
 */
final class PypiTestServer implements AutoCloseable {

    static final String ADMIN = TestRegistry.ADMIN;
    static final String ALICE = TestRegistry.ALICE;
    static final String BOB = TestRegistry.BOB;

    private final TestRegistry registry;

    private PypiTestServer(TestRegistry registry) {
        this.registry = registry;
    }

    static PypiTestServer start(Path data) throws IOException {
        return start(data, c -> c);
    }

    static PypiTestServer start(Path data, UnaryOperator<ServerConfig> customize) throws IOException {
        return new PypiTestServer(TestRegistry.start(data, customize));
    }

    int port() {
        return registry.server.port();
    }

    String url(String path) {
        return registry.server.baseUri() + path;
    }

    /** The index URL with credentials in it, as pip takes it. */
    String indexUrl(String credentials) {
        return "http://" + credentials + "@127.0.0.1:" + port() + "/simple/";
    }

    static String basic(String credentials) {
        return TestRegistry.basic(credentials);
    }

    HttpRequest.Builder request(String path, String credentials) {
        return registry.request(path, credentials);
    }

    HttpResponse<String> get(String path, String credentials, String accept) {
        HttpRequest.Builder builder = request(path, credentials).GET();
        if (accept != null) {
            builder.header("Accept", accept);
        }
        return send(builder.build());
    }

    HttpResponse<String> post(String path, String credentials, String contentType, byte[] body) {
        HttpRequest.Builder builder = request(path, credentials).POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (contentType != null) {
            builder.header("Content-Type", contentType);
        }
        return send(builder.build());
    }

    HttpResponse<String> upload(String credentials, Multipart form) {
        return post("/legacy/", credentials, form.contentType(), form.bytes());
    }

    HttpResponse<String> send(HttpRequest request) {
        return registry.send(request);
    }

    HttpResponse<byte[]> getBytes(HttpRequest request) {
        return registry.getBytes(request);
    }

    /** The audit log's lines, oldest first. */
    List<com.fasterxml.jackson.databind.JsonNode> auditLines() {
        return registry.auditLines();
    }

    /** Makes an API token as {@code credentials} (a password login); its text. */
    String token(String credentials, String name, String scope) {
        HttpResponse<String> created = post("/api/v1/tokens", credentials, "application/json",
                ("{\"name\":\"" + name + "\",\"scopes\":[\"" + scope + "\"]}").getBytes(java.nio.charset.StandardCharsets.UTF_8));
        if (created.statusCode() != 201) {
            throw new AssertionError(created.body());
        }
        try {
            return io.pkgr.registry.http.Json.MAPPER.readTree(created.body()).path("token").asText();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Every stored file except auth files: "nothing stored changed" compares these. */
    List<String> storedFiles() {
        return registry.storedFiles();
    }

    @Override
    public void close() {
        registry.close();
    }
}
