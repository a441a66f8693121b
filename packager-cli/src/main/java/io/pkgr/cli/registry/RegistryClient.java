package io.pkgr.cli.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pkgr.bundle.AtomicFiles;
import io.pkgr.bundle.BundleName;
import io.pkgr.bundle.Sha256;
import io.pkgr.bundle.Version;
import io.pkgr.cli.CliException;
import io.pkgr.cli.ExitCode;
import io.pkgr.cli.config.Repository;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.function.LongConsumer;

/**
 * Talks to a pkgr registry's native API ({@code /api/v1}) and turns every HTTP outcome into
 * either a result or a {@link CliException} with the exit code scripts rely on.
 */
public final class RegistryClient {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int ATTEMPTS = 4;

    private final Repository repository;
    private final HttpClient http;

    public RegistryClient(Repository repository) {
        this.repository = repository;
        this.http = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build();
    }

    public Repository repository() {
        return repository;
    }

    /** The outcome of a publish: created, or already there with the same bytes. */
    public enum PublishOutcome { CREATED, ALREADY_PUBLISHED }

    /** The user the registry sees, or null for anonymous. */
    public String whoami() {
        JsonNode n = getJson("api/v1/whoami");
        return n.path("user").isTextual() ? n.get("user").asText() : null;
    }

    /** {@code {"name","latest","versions":[{version,sha256,size,published,yanked,yank_reason}]}} */
    public JsonNode versions(BundleName name) {
        return getJson("api/v1/bundles/" + seg(name.value()));
    }

    /** The version record with its manifest. */
    public JsonNode record(BundleName name, Version version) {
        return getJson("api/v1/bundles/" + seg(name.value()) + "/" + seg(version.toString()));
    }

    public JsonNode search(String query) {
        return getJson("api/v1/search?q=" + URLEncoder.encode(query, StandardCharsets.UTF_8));
    }

    public JsonNode yank(BundleName name, Version version, String reason) {
        String body = reason == null ? "" : JSON.createObjectNode().put("reason", reason).toString();
        return sendJson(request("api/v1/bundles/" + seg(name.value()) + "/" + seg(version.toString()) + "/yank")
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    public JsonNode unyank(BundleName name, Version version) {
        return sendJson(request("api/v1/bundles/" + seg(name.value()) + "/" + seg(version.toString()) + "/yank")
                .DELETE().build());
    }

    /**
     * Streams a bundle file to the registry with its declared sha256. Retries connection failures
     * with back-off: publishing is put-if-absent, so a retry can never publish twice.
     *
     * @throws CliException CONFLICT when the version exists with other bytes
     */
    public PublishOutcome publish(BundleName name, Version version, Path file, Sha256 sha256, LongConsumer progress) {
        HttpRequest req = request("api/v1/bundles/" + seg(name.value()) + "/" + seg(version.toString()))
                .timeout(Duration.ofHours(2))
                .header("Content-Type", "application/octet-stream")
                .header("X-Checksum-Sha256", sha256.hex())
                .PUT(HttpRequest.BodyPublishers.ofInputStream(() -> progressStream(file, progress)))
                .build();
        HttpResponse<byte[]> resp = send(req, HttpResponse.BodyHandlers.ofByteArray());
        int status = resp.statusCode();
        if (status == 201) {
            return PublishOutcome.CREATED;
        }
        if (status == 200) {
            return PublishOutcome.ALREADY_PUBLISHED;
        }
        throw failure(resp.statusCode(), resp.body(), name + " " + version);
    }

    /**
     * Downloads a version into {@code target} (atomically), verifying its sha256 on the way.
     *
     * @throws CliException INTEGRITY when the bytes do not have the expected digest
     */
    public void download(BundleName name, Version version, Sha256 expected, Path target, LongConsumer progress) {
        HttpRequest req = request("api/v1/bundles/" + seg(name.value()) + "/" + seg(version.toString()) + "/download")
                .timeout(Duration.ofHours(2)).GET().build();
        HttpResponse<InputStream> resp = send(req, HttpResponse.BodyHandlers.ofInputStream());
        if (resp.statusCode() != 200) {
            byte[] body;
            try (InputStream in = resp.body()) {
                body = in.readNBytes(64 * 1024);
            } catch (IOException e) {
                body = new byte[0];
            }
            throw failure(resp.statusCode(), body, name + " " + version);
        }
        Path tmp = null;
        try {
            Files.createDirectories(target.toAbsolutePath().getParent());
            tmp = Files.createTempFile(target.toAbsolutePath().getParent(), "." + target.getFileName(), ".part");
            MessageDigest md = Sha256.newDigest();
            long total = 0;
            try (InputStream in = resp.body(); OutputStream out = Files.newOutputStream(tmp)) {
                byte[] buf = new byte[256 * 1024];
                for (int n; (n = in.read(buf)) != -1; ) {
                    md.update(buf, 0, n);
                    out.write(buf, 0, n);
                    total += n;
                    if (progress != null) {
                        progress.accept(total);
                    }
                }
            }
            Sha256 actual = Sha256.of(md.digest());
            if (!actual.equals(expected)) {
                throw new CliException(ExitCode.INTEGRITY, name + " " + version + " from " + repository.url()
                        + " has " + actual + ", expected " + expected + "; nothing was installed");
            }
            AtomicFiles.moveInto(tmp, target);
            tmp = null;
        } catch (IOException e) {
            throw new CliException(ExitCode.REGISTRY, "download of " + name + " " + version + " from "
                    + repository.url() + " failed: " + e.getMessage());
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // a hidden .part file; the next download replaces it
                }
            }
        }
    }

    private JsonNode getJson(String path) {
        return sendJson(request(path).GET().build());
    }

    private JsonNode sendJson(HttpRequest req) {
        HttpResponse<byte[]> resp = send(req, HttpResponse.BodyHandlers.ofByteArray());
        if (resp.statusCode() / 100 != 2) {
            throw failure(resp.statusCode(), resp.body(), null);
        }
        try {
            return JSON.readTree(resp.body());
        } catch (IOException e) {
            throw new CliException(ExitCode.REGISTRY, repository.url() + " answered something that is not JSON"
                    + " (is it a pkgr registry?)");
        }
    }

    private HttpRequest.Builder request(String path) {
        HttpRequest.Builder b = HttpRequest.newBuilder(repository.base().resolve(path))
                .timeout(Duration.ofMinutes(2))
                .header("User-Agent", "pkgr")
                .header("Accept", "application/json");
        if (repository.hasCredentials()) {
            String token = Base64.getEncoder().encodeToString(
                    (repository.username() + ":" + repository.password()).getBytes(StandardCharsets.UTF_8));
            b.header("Authorization", "Basic " + token);
        }
        return b;
    }

    private <T> HttpResponse<T> send(HttpRequest req, HttpResponse.BodyHandler<T> handler) {
        IOException last = null;
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            try {
                HttpResponse<T> resp = http.send(req, handler);
                if (resp.statusCode() == 503 && attempt < ATTEMPTS) {
                    sleep(attempt);
                    continue;
                }
                return resp;
            } catch (ConnectException | HttpConnectTimeoutException e) {
                last = e;
            } catch (HttpTimeoutException e) {
                throw new CliException(ExitCode.REGISTRY, "registry '" + repository.name() + "' at " + repository.url()
                        + " did not answer in time");
            } catch (IOException e) {
                last = e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CliException(ExitCode.FAILURE, "interrupted");
            }
            if (attempt < ATTEMPTS) {
                sleep(attempt);
            }
        }
        throw new CliException(ExitCode.REGISTRY, "cannot reach registry '" + repository.name() + "' at "
                + repository.url() + " (" + describe(last) + ")");
    }

    private static void sleep(int attempt) {
        try {
            Thread.sleep(200L << (attempt - 1));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static String describe(IOException e) {
        if (e == null) {
            return "no answer";
        }
        if (e instanceof ConnectException) {
            return "connection refused";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private CliException failure(int status, byte[] body, String what) {
        String code = "";
        String message = "";
        try {
            JsonNode err = JSON.readTree(body).path("error");
            code = err.path("code").asText("");
            message = err.path("message").asText("");
        } catch (IOException | RuntimeException ignored) {
            // not a pkgr error body
        }
        String detail = message.isEmpty() ? "HTTP " + status : message;
        return switch (status) {
            case 401 -> new CliException(ExitCode.AUTH, "registry '" + repository.name() + "' refused the credentials ("
                    + detail + "); set them with 'pkgr config http-basic." + repository.name() + " USER' or "
                    + "PKGR_HTTP_BASIC_" + repository.name().toUpperCase(java.util.Locale.ROOT).replaceAll("[^A-Z0-9]", "_")
                    + "_USERNAME/_PASSWORD");
            case 403 -> new CliException(ExitCode.AUTH, "registry '" + repository.name() + "': " + detail);
            case 404 -> new CliException(ExitCode.NOT_FOUND, what != null && message.isEmpty() ? what + " not found on '"
                    + repository.name() + "'" : detail);
            case 409 -> new CliException(ExitCode.CONFLICT, detail);
            case 429 -> new CliException(ExitCode.AUTH, "registry '" + repository.name() + "': " + detail);
            case 400, 413, 415, 422 -> new CliException(ExitCode.USAGE, "registry '" + repository.name() + "' refused "
                    + (what == null ? "the request" : what) + ": " + detail + (code.isEmpty() ? "" : " [" + code + "]"));
            default -> new CliException(ExitCode.REGISTRY, "registry '" + repository.name() + "' at " + repository.url()
                    + " answered " + detail);
        };
    }

    private static String seg(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%2B");
    }

    private static InputStream progressStream(Path file, LongConsumer progress) {
        try {
            InputStream in = Files.newInputStream(file);
            if (progress == null) {
                return in;
            }
            return new java.io.FilterInputStream(in) {
                long total;

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    int n = super.read(b, off, len);
                    if (n > 0) {
                        total += n;
                        progress.accept(total);
                    }
                    return n;
                }
            };
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
