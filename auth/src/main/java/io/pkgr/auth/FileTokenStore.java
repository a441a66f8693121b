package io.pkgr.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pkgr.bundle.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * API tokens in one JSON file (mode 0600) in the data directory, held in memory. The server is its
 * only writer: every change rewrites the file atomically (temp file, fsync, rename) before it
 * returns, so a crash leaves the old file or the new one.
 */
public final class FileTokenStore implements TokenStore {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private final Path file;
    private volatile Map<String, ApiToken> tokens; // by id; replaced whole under this

    private FileTokenStore(Path file, Map<String, ApiToken> tokens) {
        this.file = file;
        this.tokens = tokens;
    }

    /** Reads {@code file}, or starts empty when it does not exist yet (it is created on the first token). */
    public static FileTokenStore open(Path file) throws IOException {
        return new FileTokenStore(file, Files.exists(file) ? read(file) : Map.of());
    }

    @Override
    public Optional<ApiToken> find(String id) {
        return Optional.ofNullable(tokens.get(id));
    }

    @Override
    public List<ApiToken> list() {
        return tokens.values().stream()
                .sorted(Comparator.comparing(ApiToken::user).thenComparing(ApiToken::name)).toList();
    }

    @Override
    public synchronized boolean insert(ApiToken token) throws IOException {
        boolean taken = tokens.values().stream()
                .anyMatch(t -> t.user().equals(token.user()) && t.name().equals(token.name()));
        if (taken || tokens.containsKey(token.id())) {
            return false;
        }
        Map<String, ApiToken> next = new LinkedHashMap<>(tokens);
        next.put(token.id(), token);
        replace(next);
        return true;
    }

    @Override
    public synchronized Optional<ApiToken> delete(String id) throws IOException {
        ApiToken removed = tokens.get(id);
        if (removed == null) {
            return Optional.empty();
        }
        Map<String, ApiToken> next = new LinkedHashMap<>(tokens);
        next.remove(id);
        replace(next);
        return Optional.of(removed);
    }

    @Override
    public synchronized void recordUse(Map<String, Instant> lastUsed) throws IOException {
        Map<String, ApiToken> next = new LinkedHashMap<>(tokens);
        boolean changed = false;
        for (Map.Entry<String, Instant> use : lastUsed.entrySet()) {
            ApiToken token = next.get(use.getKey());
            if (token != null && (token.lastUsed() == null || token.lastUsed().isBefore(use.getValue()))) {
                next.put(token.id(), token.usedAt(use.getValue()));
                changed = true;
            }
        }
        if (changed) {
            replace(next);
        }
    }

    private void replace(Map<String, ApiToken> next) throws IOException {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode list = root.putArray("tokens");
        for (ApiToken token : next.values()) {
            ObjectNode node = list.addObject();
            node.put("id", token.id());
            node.put("user", token.user());
            node.put("name", token.name());
            ArrayNode scopes = node.putArray("scopes");
            token.scopes().forEach(scope -> scopes.add(scope.toString()));
            node.put("created", token.created().toString());
            node.put("expires", token.expires() == null ? null : token.expires().toString());
            node.put("last_used", token.lastUsed() == null ? null : token.lastUsed().toString());
            node.put("secret_sha256", token.secretSha256());
        }
        AtomicFiles.write(file, "rw-------", JSON.writeValueAsBytes(root));
        tokens = Map.copyOf(next);
    }

    private static Map<String, ApiToken> read(Path file) throws IOException {
        JsonNode root = JSON.readTree(file.toFile());
        Map<String, ApiToken> read = new LinkedHashMap<>();
        try {
            for (JsonNode node : root.path("tokens")) {
                List<TokenScope> scopes = new ArrayList<>();
                node.path("scopes").forEach(scope -> scopes.add(TokenScope.parse(scope.asText())));
                ApiToken token = new ApiToken(node.get("id").asText(), node.get("user").asText(),
                        node.get("name").asText(), scopes, Instant.parse(node.get("created").asText()),
                        instant(node.get("expires")), instant(node.get("last_used")),
                        node.get("secret_sha256").asText());
                read.put(token.id(), token);
            }
        } catch (RuntimeException e) {
            throw new IOException(file + ": not a valid token file: " + e.getMessage(), e);
        }
        return Map.copyOf(read);
    }

    private static Instant instant(JsonNode node) {
        return node == null || node.isNull() ? null : Instant.parse(node.asText());
    }
}
