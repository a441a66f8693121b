package io.pkgr.registry;

import io.pkgr.auth.HtpasswdWriter;
import io.pkgr.registry.http.Json;
import com.fasterxml.jackson.databind.JsonNode;
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
 * A real server on port 0 over a {@code @TempDir}, with users at bcrypt cost 4 (fast tests):
 * {@code admin} (everything), {@code alice} (publish + yank on team-*), {@code bob} (read on *).
 */
public final class TestRegistry implements AutoCloseable {

    public static final String ADMIN = "admin:admin-pw";
    public static final String ALICE = "alice:alice-pw";
    public static final String BOB = "bob:bob-pw";
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

    public final Path data;
    public final RegistryServer server;
    final ByteArrayOutputStream console = new ByteArrayOutputStream();
    final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private TestRegistry(Path data, RegistryServer server) {
        this.data = data;
        this.server = server;
    }

    static TestRegistry start(Path data) throws IOException {
        return start(data, c -> c);
    }

    public static TestRegistry start(Path data, UnaryOperator<ServerConfig> customize) throws IOException {
        writeUsers(data);
        ServerConfig config = customize.apply(ServerConfig.defaults().withDataDir(data).withHost("127.0.0.1").withPort(0));
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        RegistryServer server = new RegistryServer(config, new PrintStream(console, true, StandardCharsets.UTF_8));
        server.start();
        return new TestRegistry(data, server);
    }

    /** The users and rules above, unless the directory already has them. */
    static void writeUsers(Path data) throws IOException {
        Files.createDirectories(data);
        if (!Files.exists(data.resolve("htpasswd"))) {
            HtpasswdWriter writer = new HtpasswdWriter(data.resolve("htpasswd"), 4);
            for (String user : List.of(ADMIN, ALICE, BOB)) {
                String[] parts = user.split(":");
                writer.put(parts[0], parts[1].toCharArray());
            }
            Files.writeString(data.resolve("access.yaml"), RULES);
        }
    }

    URI uri(String path) {
        return URI.create(server.baseUri() + path);
    }

    public static String basic(String userColonPassword) {
        return "Basic " + Base64.getEncoder().encodeToString(userColonPassword.getBytes(StandardCharsets.UTF_8));
    }

    public HttpRequest.Builder request(String path, String credentials) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(60));
        if (credentials != null) {
            builder.header("Authorization", basic(credentials));
        }
        return builder;
    }

    HttpResponse<String> get(String path, String credentials) {
        return send(request(path, credentials).GET().build());
    }

    HttpResponse<String> put(String path, String credentials, byte[] body) {
        return send(request(path, credentials).header("Content-Type", "application/octet-stream")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(body)).build());
    }

    HttpResponse<String> post(String path, String credentials, String body) {
        return send(request(path, credentials).POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    HttpResponse<String> delete(String path, String credentials) {
        return send(request(path, credentials).DELETE().build());
    }

    public HttpResponse<String> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    public HttpResponse<byte[]> getBytes(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static JsonNode json(HttpResponse<String> response) {
        try {
            return Json.MAPPER.readTree(response.body());
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + response.body(), e);
        }
    }

    static String errorCode(HttpResponse<String> response) {
        return json(response).path("error").path("code").asText();
    }

    /** The audit log's lines, parsed, oldest first. */
    public List<JsonNode> auditLines() {
        try {
            Path log = data.resolve("audit/audit.log");
            List<JsonNode> lines = new java.util.ArrayList<>();
            for (String line : Files.readAllLines(log)) {
                lines.add(Json.MAPPER.readTree(line));
            }
            return lines;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Every file in the data directory except the auth files, relative: "nothing stored changed" compares these. */
    public List<String> storedFiles() {
        try (Stream<Path> walk = Files.walk(data)) {
            return walk.filter(Files::isRegularFile).map(p -> data.relativize(p).toString())
                    .filter(p -> !p.equals("htpasswd") && !p.equals("access.yaml") && !p.startsWith(".htpasswd"))
                    // the audit log records refusals too, and tokens are credentials, not stored bundles
                    .filter(p -> !p.startsWith("audit/") && !p.equals("tokens.json"))
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
