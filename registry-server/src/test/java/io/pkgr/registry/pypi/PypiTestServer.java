package io.pkgr.registry.pypi;

import io.pkgr.auth.HtpasswdWriter;
import io.pkgr.registry.RegistryServer;
import io.pkgr.registry.ServerConfig;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

/**
 * A real server on port 0 over a temp dir with users at bcrypt cost 4: {@code admin} (everything),
 * {@code alice} (publish + yank on team-*), {@code bob} (read on *).
 */
final class PypiTestServer implements AutoCloseable {

    static final String ADMIN = "admin:admin-pw";
    static final String ALICE = "alice:alice-pw";
    static final String BOB = "bob:bob-pw";
    static final String RULES = """
            rules:
              - bundles: ["*"]
                users: [admin]
                allow: [admin]
              - bundles: ["team-*"]
                users: [alice]
                allow: [publish, yank]
              - bundles: ["*"]
                users: [bob]
                allow: [read]
            """;

    final Path data;
    final RegistryServer server;
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private PypiTestServer(Path data, RegistryServer server) {
        this.data = data;
        this.server = server;
    }

    static PypiTestServer start(Path data) throws IOException {
        return start(data, c -> c);
    }

    static PypiTestServer start(Path data, UnaryOperator<ServerConfig> customize) throws IOException {
        Files.createDirectories(data);
        if (!Files.exists(data.resolve("htpasswd"))) {
            HtpasswdWriter writer = new HtpasswdWriter(data.resolve("htpasswd"), 4);
            for (String user : List.of(ADMIN, ALICE, BOB)) {
                String[] parts = user.split(":");
                writer.put(parts[0], parts[1].toCharArray());
            }
            Files.writeString(data.resolve("access.yaml"), RULES);
        }
        ServerConfig config = customize.apply(ServerConfig.defaults().withDataDir(data).withHost("127.0.0.1").withPort(0));
        RegistryServer server = new RegistryServer(config, new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
        server.start();
        return new PypiTestServer(data, server);
    }

    int port() {
        return server.port();
    }

    String url(String path) {
        return server.baseUri() + path;
    }

    /** The index URL with credentials in it, as pip takes it. */
    String indexUrl(String credentials) {
        return "http://" + credentials + "@127.0.0.1:" + port() + "/simple/";
    }

    static String basic(String credentials) {
        return "Basic " + Base64.getEncoder().encodeToString(credentials.getBytes(StandardCharsets.UTF_8));
    }

    HttpRequest.Builder request(String path, String credentials) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(url(path))).timeout(Duration.ofSeconds(60));
        if (credentials != null) {
            builder.header("Authorization", basic(credentials));
        }
        return builder;
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
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    HttpResponse<byte[]> getBytes(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Every stored file except auth files and temp files in flight: "nothing stored changed" compares these. */
    List<String> storedFiles() {
        try (Stream<Path> walk = Files.walk(data)) {
            return walk.filter(Files::isRegularFile).map(p -> data.relativize(p).toString())
                    .filter(p -> !p.equals("htpasswd") && !p.equals("access.yaml") && !p.startsWith(".htpasswd"))
                    .sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        server.stop();
    }
}
