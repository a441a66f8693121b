package io.pkgr.cli.runtime.python;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What an environment needs to link one published store entry, from its {@code link.json}: a few
 * KiB per wheel where {@code entry.json} lists every file (about 1 MB for the ML wheels, and one
 * {@code stat} per file to check). The per-environment RECORD lines of the entry's files are
 * rendered once, when the entry is sealed, in {@code record.csv}.
 *
 * @param fileCount   the entry's files under {@code site/} (to balance the two linking processes)
 * @param topLevel    the names directly under {@code site/} (two entries sharing one: a namespace package)
 * @param scripts     the files under {@code scripts/} ({@code .data/scripts}), whose shebang each venv rewrites
 * @param directories every directory under the entry's parts, with its mtime when the entry was sealed
 * @param wheelSize   size, mtime and inode of {@code wheel.whl} (verified by its sha256 before it was unpacked)
 */
record StoreLink(Path dir, String key, String id, String name, String version, String distInfo, String python,
                 long bytes, int fileCount, List<String> topLevel, List<String> scripts, Map<String, Long> directories,
                 Map<String, String> consoleScripts, Map<String, String> guiScripts, long wheelSize, long wheelMtime,
                 long wheelInode) {

    static final String FILE = "link.json";
    static final String RECORD_LINES = "record.csv";
    private static final JsonFactory JSON = new JsonFactory();

    /**
     * Null when the entry still looks as sealed by the cheap check, else what differs: {@code wheel.whl}
     * with the size, mtime and inode recorded, and every directory with its mtime (one {@code stat}
     * per directory: 881 for the ML wheels, against 8,400 files). It catches a file removed, added,
     * or replaced by a rename (editors that save so, {@code cp --remove-destination}, {@code sed -i},
     * cleaners of old files) and a replaced or edited wheel; not a file rewritten in place (which
     * needs write permission on a read-only file): {@link StoreEntry#firstChange} checks every file.
     */
    String change() {
        try {
            BasicFileAttributes w = Files.readAttributes(dir.resolve(StoreEntry.WHEEL), BasicFileAttributes.class,
                    LinkOption.NOFOLLOW_LINKS);
            if (!w.isRegularFile() || w.size() != wheelSize || w.lastModifiedTime().toMillis() != wheelMtime
                    || (wheelInode >= 0 && StoreEntry.inode(dir.resolve(StoreEntry.WHEEL)) != wheelInode)) {
                return StoreEntry.WHEEL + " changed";
            }
        } catch (IOException e) {
            return StoreEntry.WHEEL + " is missing";
        }
        for (Map.Entry<String, Long> d : directories.entrySet()) {
            try {
                BasicFileAttributes a = Files.readAttributes(dir.resolve(d.getKey()), BasicFileAttributes.class,
                        LinkOption.NOFOLLOW_LINKS);
                if (!a.isDirectory() || a.lastModifiedTime().toMillis() != d.getValue()) {
                    return d.getKey() + "/ changed";
                }
            } catch (IOException e) {
                return d.getKey() + "/ is missing";
            }
        }
        return null;
    }

    /** The RECORD lines of the entry's site, data and headers files, as every environment writes them. */
    byte[] recordLines() throws IOException {
        return Files.readAllBytes(dir.resolve(RECORD_LINES));
    }

    void write() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (JsonGenerator g = JSON.createGenerator(bytes)) {
            g.writeStartObject();
            g.writeStringField("key", key);
            g.writeStringField("id", id);
            g.writeStringField("name", name);
            g.writeStringField("version", version);
            g.writeStringField("dist_info", distInfo);
            g.writeStringField("python", python);
            g.writeNumberField("bytes", this.bytes);
            g.writeNumberField("file_count", fileCount);
            g.writeNumberField("wheel_size", wheelSize);
            g.writeNumberField("wheel_mtime", wheelMtime);
            g.writeNumberField("wheel_inode", wheelInode);
            strings(g, "top_level", topLevel);
            strings(g, "scripts", scripts);
            g.writeObjectFieldStart("directories");
            for (Map.Entry<String, Long> d : directories.entrySet()) {
                g.writeNumberField(d.getKey(), d.getValue());
            }
            g.writeEndObject();
            map(g, "console_scripts", consoleScripts);
            map(g, "gui_scripts", guiScripts);
            g.writeEndObject();
        }
        Files.write(dir.resolve(FILE), bytes.toByteArray());
    }

    private static void strings(JsonGenerator g, String field, List<String> values) throws IOException {
        g.writeArrayFieldStart(field);
        for (String v : values) {
            g.writeString(v);
        }
        g.writeEndArray();
    }

    private static void map(JsonGenerator g, String field, Map<String, String> values) throws IOException {
        g.writeObjectFieldStart(field);
        for (Map.Entry<String, String> e : values.entrySet()) {
            g.writeStringField(e.getKey(), e.getValue());
        }
        g.writeEndObject();
    }

    /**
     * The entry in {@code dir} as its {@code link.json} describes it, or null when there is none (an
     * entry sealed by an older pkgr, which is then rebuilt once) or it is unreadable. The streaming
     * parser only: no data binding on the path of a new version's install.
     */
    static StoreLink read(Path dir) {
        Map<String, String> text = new LinkedHashMap<>();
        Map<String, Long> numbers = new LinkedHashMap<>();
        Map<String, List<String>> lists = new LinkedHashMap<>();
        Map<String, Map<String, String>> maps = new LinkedHashMap<>();
        Map<String, Long> directories = new LinkedHashMap<>();
        try (JsonParser p = JSON.createParser(Files.readAllBytes(dir.resolve(FILE)))) {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String field = p.currentName();
                JsonToken t = p.nextToken();
                if (t == JsonToken.START_ARRAY) {
                    List<String> list = new ArrayList<>();
                    while (p.nextToken() != JsonToken.END_ARRAY) {
                        list.add(p.getText());
                    }
                    lists.put(field, list);
                } else if (t == JsonToken.START_OBJECT && field.equals("directories")) {
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String name = p.currentName();
                        p.nextToken();
                        directories.put(name, p.getLongValue());
                    }
                } else if (t == JsonToken.START_OBJECT) {
                    Map<String, String> map = new LinkedHashMap<>();
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String name = p.currentName();
                        p.nextToken();
                        map.put(name, p.getText());
                    }
                    maps.put(field, map);
                } else if (t.isNumeric()) {
                    numbers.put(field, p.getLongValue());
                } else {
                    text.put(field, p.getText());
                }
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
        if (!text.containsKey("id") || !numbers.containsKey("wheel_inode")) {
            return null;
        }
        return new StoreLink(dir, text.get("key"), text.get("id"), text.get("name"), text.get("version"),
                text.get("dist_info"), text.get("python"), numbers.getOrDefault("bytes", 0L),
                numbers.getOrDefault("file_count", 0L).intValue(), lists.getOrDefault("top_level", List.of()),
                lists.getOrDefault("scripts", List.of()), directories, maps.getOrDefault("console_scripts", Map.of()),
                maps.getOrDefault("gui_scripts", Map.of()), numbers.get("wheel_size"), numbers.get("wheel_mtime"),
                numbers.get("wheel_inode"));
    }
}
