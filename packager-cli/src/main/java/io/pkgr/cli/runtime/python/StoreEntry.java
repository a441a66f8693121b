package io.pkgr.cli.runtime.python;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * One wheel in the store, as its {@code entry.json} describes it: every file with the size and
 * mtime it had when the entry was published (the check of every file, {@code PKGR_STORE_CHECK=files}),
 * and what each environment's installer files are made from (the wheel's RECORD hashes, its console
 * and GUI scripts). Sealing renders from it the small {@link StoreLink} that linking reads.
 *
 * @param dir      the entry's directory
 * @param id       a random id per build: an environment that linked an older build of the key is stale
 * @param python   the interpreter's {@code X.Y} (the venv's {@code lib/pythonX.Y})
 * @param files    path in the entry ({@code site/…}, {@code data/…}, {@code headers/…}, {@code scripts/…},
 *                 {@code wheel.whl}) → what was recorded of it
 * @param wheelInode the inode of {@code wheel.whl} when the entry was sealed (-1: not recorded). The
 *                 wheel was verified by its sha256 before it was unpacked and is not hashed again
 *                 while its size, mtime and inode stay as recorded (see {@link StoreLink#change})
 */
record StoreEntry(Path dir, String key, String id, String name, String version, String distInfo, String python,
                  Map<String, File> files, Map<String, String> consoleScripts, Map<String, String> guiScripts,
                  long wheelInode) {

    static final String MANIFEST = "entry.json";
    static final String WHEEL = "wheel.whl";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** A file of the entry: size and mtime as published; {@code record} is the wheel's "hash,size" or empty. */
    record File(long size, long mtime, boolean executable, String record) {
    }

    /** Bytes of the entry's files. */
    long bytes() {
        return files.values().stream().mapToLong(File::size).sum();
    }

    /**
     * Null when every file has the size and mtime it was published with (and {@code wheel.whl} its
     * inode); else the first that differs. One {@code stat} per file: it catches an edited, truncated,
     * replaced or deleted file, not an in-place edit of the same size whose mtime was set back.
     */
    String firstChange() {
        for (Map.Entry<String, File> f : files.entrySet()) {
            try {
                Path path = dir.resolve(f.getKey());
                BasicFileAttributes a = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                if (!a.isRegularFile() || a.size() != f.getValue().size()
                        || a.lastModifiedTime().toMillis() != f.getValue().mtime()
                        || (f.getKey().equals(WHEEL) && wheelInode >= 0 && inode(path) != wheelInode)) {
                    return f.getKey() + " changed";
                }
            } catch (IOException e) {
                return f.getKey() + " is missing";
            }
        }
        return null;
    }

    /** The file's inode number, or -1 where the file system has none to tell. */
    static long inode(Path file) throws IOException {
        try {
            return ((Number) Files.getAttribute(file, "unix:ino", LinkOption.NOFOLLOW_LINKS)).longValue();
        } catch (UnsupportedOperationException | IllegalArgumentException e) {
            return -1;
        }
    }

    void write() throws IOException {
        ObjectNode root = JSON.createObjectNode().put("key", key).put("id", id).put("name", name).put("version", version)
                .put("dist_info", distInfo).put("python", python).put("wheel_inode", wheelInode);
        ArrayNode list = root.putArray("files");
        files.forEach((path, f) -> list.addArray().add(path).add(f.size()).add(f.mtime()).add(f.executable() ? 1 : 0)
                .add(f.record()));
        consoleScripts.forEach(root.putObject("console_scripts")::put);
        guiScripts.forEach(root.putObject("gui_scripts")::put);
        Files.write(dir.resolve(MANIFEST), JSON.writeValueAsBytes(root));
    }

    /** The entry published in {@code dir}, or null when its manifest is missing or unreadable. */
    static StoreEntry read(Path dir) {
        JsonNode root;
        try {
            root = JSON.readTree(dir.resolve(MANIFEST).toFile());
        } catch (IOException e) {
            return null;
        }
        if (root == null || !root.path("files").isArray()) {
            return null;
        }
        Map<String, File> files = new LinkedHashMap<>();
        for (JsonNode f : root.path("files")) {
            files.put(f.get(0).asText(), new File(f.get(1).asLong(), f.get(2).asLong(), f.get(3).asInt() == 1,
                    f.get(4).asText()));
        }
        return new StoreEntry(dir, root.path("key").asText(), root.path("id").asText(), root.path("name").asText(),
                root.path("version").asText(), root.path("dist_info").asText(), root.path("python").asText(), files,
                strings(root.path("console_scripts")), strings(root.path("gui_scripts")), root.path("wheel_inode").asLong(-1));
    }

    private static Map<String, String> strings(JsonNode node) {
        Map<String, String> map = new LinkedHashMap<>();
        node.fields().forEachRemaining(e -> map.put(e.getKey(), e.getValue().asText()));
        return map;
    }

    /**
     * What linking needs of this entry ({@code link.json}): {@code directories} are the entry's
     * directories below its root with their mtimes as sealed.
     */
    StoreLink link(Map<String, Long> directories, long wheelSize, long wheelMtime) {
        Set<String> top = new TreeSet<>();
        for (String path : under("site")) {
            top.add(path.contains("/") ? path.substring(0, path.indexOf('/')) : path);
        }
        return new StoreLink(dir, key, id, name, version, distInfo, python, bytes(), under("site").size(), List.copyOf(top),
                under("scripts"), directories, consoleScripts, guiScripts, wheelSize, wheelMtime, wheelInode);
    }

    /**
     * The RECORD lines of the entry's site-packages, data and headers files, paths as a venv has
     * them (the dist-info's own RECORD and INSTALLER, and the scripts, are each environment's).
     */
    String recordLines() {
        StringBuilder record = new StringBuilder();
        String toVenv = "../../../";
        for (Map.Entry<String, File> f : files.entrySet()) {
            String path = f.getKey();
            String rec = f.getValue().record().isEmpty() ? "," : f.getValue().record();
            if (path.startsWith("site/")) {
                String rel = path.substring(5);
                if (!rel.equals(distInfo + "/RECORD") && !rel.equals(distInfo + "/INSTALLER")) {
                    record.append(VenvLinker.csv(rel)).append(',').append(rec).append('\n');
                }
            } else if (path.startsWith("data/")) {
                record.append(VenvLinker.csv(toVenv + path.substring(5))).append(',').append(rec).append('\n');
            } else if (path.startsWith("headers/")) {
                record.append(VenvLinker.csv(toVenv + "include/site/python" + python + "/" + name + "/" + path.substring(8)))
                        .append(',').append(rec).append('\n');
            }
        }
        return record.toString();
    }

    /** Paths of the entry's files under {@code part/} ("site", "data", …), relative to it. */
    List<String> under(String part) {
        List<String> paths = new ArrayList<>();
        String prefix = part + "/";
        for (String path : files.keySet()) {
            if (path.startsWith(prefix)) {
                paths.add(path.substring(prefix.length()));
            }
        }
        return paths;
    }
}
