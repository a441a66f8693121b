package io.pkgr.bundle;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Iterator;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * {@code pkgr.lock}: for each task (or bundle), the exact bundle version, its sha256 and the
 * repository it came from, so a run pulls exactly what was locked and proves it by digest.
 *
 * <pre>
 * {"lockVersion":1,"entries":{"train":{"bundle":"churn-model","entrypoint":"train",
 *   "repository":"private","sha256":"…","version":"1.4.0"}},
 *  "trustedKeys":["ssh-ed25519 AAAAC3Nza… release-key"]}
 * </pre>
 *
 * {@code trustedKeys} is optional: OpenSSH public key lines; when present, a bundle of this lock is
 * installed or run only with a valid signature by one of them ({@code pkgr lock --trusted-keys}).
 */
public record Lockfile(SortedMap<String, Entry> entries, List<String> trustedKeys) {

    public static final int LOCK_VERSION = 1;
    public static final String FILE_NAME = "pkgr.lock";
    private static final Pattern KEY = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,99}");
    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true)
            .configure(SerializationFeature.INDENT_OUTPUT, true);

    /**
     * One locked bundle.
     *
     * @param entrypoint the entrypoint a task runs, or null when the entry locks a bundle only
     */
    public record Entry(BundleName bundle, Version version, Sha256 sha256, String repository, String entrypoint) {
        public Entry {
            if (bundle == null || version == null || sha256 == null) {
                throw new IllegalArgumentException("a lock entry needs bundle, version and sha256");
            }
        }
    }

    /** A lock without pinned keys. */
    public Lockfile(SortedMap<String, Entry> entries) {
        this(entries, List.of());
    }

    public Lockfile {
        trustedKeys = trustedKeys == null ? List.of() : List.copyOf(trustedKeys);
        for (String key : trustedKeys) {
            if (!key.startsWith("ssh-ed25519 ")) {
                throw new BundleException(BundleException.Code.INVALID_LOCKFILE, "trustedKeys: '"
                        + Text.printable(key.length() > 40 ? key.substring(0, 40) + "…" : key)
                        + "' is not an OpenSSH ssh-ed25519 public key line");
            }
        }
        for (String key : entries.keySet()) {
            if (!KEY.matcher(key).matches()) {
                throw new BundleException(BundleException.Code.INVALID_LOCKFILE,
                        "invalid lock entry name '" + Text.printable(key) + "'");
            }
        }
        entries = Collections.unmodifiableSortedMap(new TreeMap<>(entries));
    }

    /** The entry for a task or bundle name, or an error listing the names there are. */
    public Entry entry(String key) {
        Entry e = entries.get(key);
        if (e == null) {
            throw new BundleException(BundleException.Code.INVALID_LOCKFILE, FILE_NAME + " has no entry '"
                    + Text.printable(key) + "' (it has: " + String.join(", ", entries.keySet()) + ")");
        }
        return e;
    }

    public static Lockfile read(Path file) {
        byte[] content;
        try {
            content = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new BundleException(BundleException.Code.INVALID_LOCKFILE, file + ": not found (run 'pkgr lock')");
        } catch (IOException e) {
            throw new BundleException(BundleException.Code.IO, "cannot read " + file + ": " + e.getMessage(), e);
        }
        return parse(file.getFileName().toString(), content);
    }

    public static Lockfile parse(String source, byte[] content) {
        JsonNode root;
        try {
            root = JSON.readTree(content);
        } catch (IOException e) {
            throw invalid(source, "not valid JSON: " + e.getMessage());
        }
        if (root == null || !root.isObject()) {
            throw invalid(source, "expected a JSON object");
        }
        JsonNode version = root.get("lockVersion");
        if (version == null || !version.canConvertToInt() || version.asInt() != LOCK_VERSION) {
            throw invalid(source, "unsupported lockVersion " + version + " (this pkgr reads " + LOCK_VERSION + ")");
        }
        JsonNode entries = root.get("entries");
        if (entries == null || !entries.isObject()) {
            throw invalid(source, "missing entries");
        }
        TreeMap<String, Entry> result = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = entries.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode n = e.getValue();
            try {
                result.put(e.getKey(), new Entry(BundleName.parse(text(n, "bundle")), Version.parse(text(n, "version")),
                        Sha256.parse(text(n, "sha256")), optional(n, "repository"), optional(n, "entrypoint")));
            } catch (BundleException | IllegalArgumentException ex) {
                throw invalid(source, "entries." + Text.printable(e.getKey()) + ": " + ex.getMessage());
            }
        }
        List<String> keys = new ArrayList<>();
        JsonNode trusted = root.get("trustedKeys");
        if (trusted != null && !trusted.isNull()) {
            if (!trusted.isArray()) {
                throw invalid(source, "trustedKeys must be a list of public key lines");
            }
            for (JsonNode k : trusted) {
                if (!k.isTextual()) {
                    throw invalid(source, "trustedKeys must be a list of public key lines");
                }
                keys.add(k.asText());
            }
        }
        try {
            return new Lockfile(result, keys);
        } catch (BundleException e) {
            throw invalid(source, e.getMessage());
        }
    }

    private static String text(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || !v.isTextual()) {
            throw new IllegalArgumentException("missing " + field);
        }
        return v.asText();
    }

    private static String optional(JsonNode n, String field) {
        JsonNode v = n.get(field);
        return v == null || v.isNull() ? null : v.asText();
    }

    private static BundleException invalid(String source, String message) {
        return new BundleException(BundleException.Code.INVALID_LOCKFILE, source + ": " + message);
    }

    /** Stable, diff-friendly JSON: sorted keys, two-space indent, trailing newline. */
    public byte[] toJson() {
        ObjectNode root = JSON.createObjectNode();
        root.put("lockVersion", LOCK_VERSION);
        ObjectNode entriesNode = root.putObject("entries");
        entries.forEach((key, e) -> {
            ObjectNode n = entriesNode.putObject(key);
            n.put("bundle", e.bundle().value());
            if (e.entrypoint() != null) {
                n.put("entrypoint", e.entrypoint());
            }
            if (e.repository() != null) {
                n.put("repository", e.repository());
            }
            n.put("sha256", e.sha256().hex());
            n.put("version", e.version().toString());
        });
        if (!trustedKeys.isEmpty()) {
            trustedKeys.forEach(root.putArray("trustedKeys")::add);
        }
        try {
            return (JSON.writeValueAsString(JSON.treeToValue(root, TreeMap.class)) + "\n").getBytes(StandardCharsets.UTF_8);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Writes atomically: readers see the old or the new lock, never half of one. */
    public void write(Path file) {
        try {
            AtomicFiles.write(file, "rw-r--r--", toJson());
        } catch (IOException e) {
            throw new BundleException(BundleException.Code.IO, "cannot write " + file + ": " + e.getMessage(), e);
        }
    }
}
