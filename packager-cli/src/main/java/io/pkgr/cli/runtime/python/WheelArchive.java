package io.pkgr.cli.runtime.python;

import io.pkgr.cli.CliException;
import io.pkgr.cli.ExitCode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;

/**
 * Unpacks a wheel as the binary distribution format says, into the parts of a store entry: the
 * files bound for site-packages ({@code site/}: the root, {@code .data/purelib} and
 * {@code .data/platlib}, which are one directory in a venv), {@code .data/scripts} ({@code scripts/},
 * rewritten per environment), {@code .data/data} ({@code data/}, the venv's root) and
 * {@code .data/headers} ({@code headers/}).
 */
final class WheelArchive {

    /** What an installer needs to know of an unpacked wheel, besides its files. */
    record Unpacked(String name, String version, String distInfo, Map<String, String> recorded,
                    Map<String, String> consoleScripts, Map<String, String> guiScripts) {
    }

    private WheelArchive() {
    }

    /** Unpacks {@code wheel} into {@code entry} (which exists and is empty). */
    static Unpacked unpack(Path wheel, Path entry) throws IOException {
        String dataDir = null;
        String distInfo = null;
        try (ZipFile zip = ZipFile.builder().setPath(wheel).get()) {
            for (ZipArchiveEntry e : Collections.list(zip.getEntries())) {
                String name = safeName(wheel, e.getName());
                String top = name.contains("/") ? name.substring(0, name.indexOf('/')) : name;
                if (top.endsWith(".dist-info") && name.endsWith("/WHEEL")) {
                    distInfo = top;
                }
                if (top.endsWith(".data")) {
                    dataDir = top;
                }
                if (e.isDirectory()) {
                    continue;
                }
                Path target = entry.resolve(place(wheel, name));
                Files.createDirectories(target.getParent());
                try (InputStream in = zip.getInputStream(e); OutputStream out = Files.newOutputStream(target)) {
                    in.transferTo(out);
                }
                if ((e.getUnixMode() & 0100) != 0) {
                    target.toFile().setExecutable(true, false);
                }
            }
        }
        if (distInfo == null) {
            throw invalid(wheel, "it has no NAME-VERSION.dist-info/WHEEL");
        }
        Path info = entry.resolve("site").resolve(distInfo);
        Map<String, String> metadata = headers(info.resolve("METADATA"));
        String name = metadata.get("Name");
        String version = metadata.get("Version");
        if (name == null || version == null) {
            throw invalid(wheel, distInfo + "/METADATA has no Name or Version");
        }
        Map<String, Map<String, String>> entryPoints = entryPoints(info.resolve("entry_points.txt"));
        return new Unpacked(name, version, distInfo, recorded(info.resolve("RECORD"), dataDir),
                entryPoints.getOrDefault("console_scripts", Map.of()), entryPoints.getOrDefault("gui_scripts", Map.of()));
    }

    /** Where a wheel's file goes in the entry: {@code site/…}, {@code scripts/…}, {@code data/…}, {@code headers/…}. */
    private static String place(Path wheel, String name) {
        String[] parts = name.split("/", 3);
        if (!parts[0].endsWith(".data")) {
            return "site/" + name;
        }
        if (parts.length < 3) {
            throw invalid(wheel, "a file directly in " + parts[0]);
        }
        return switch (parts[1]) {
            case "purelib", "platlib" -> "site/" + parts[2];
            case "scripts", "data", "headers" -> parts[1] + "/" + parts[2];
            default -> throw invalid(wheel, "unknown scheme " + parts[0] + "/" + parts[1]);
        };
    }

    /** The wheel's RECORD as entry path → "hash,size", so the environment's RECORD keeps the wheel's hashes. */
    private static Map<String, String> recorded(Path record, String dataDir) throws IOException {
        Map<String, String> recorded = new HashMap<>();
        if (!Files.isRegularFile(record)) {
            return recorded;
        }
        for (String line : Files.readAllLines(record, StandardCharsets.UTF_8)) {
            int hashAt = line.lastIndexOf(',', line.lastIndexOf(',') - 1);
            if (hashAt <= 0 || line.startsWith("\"")) {
                continue;
            }
            String path = line.substring(0, hashAt);
            String place = path.startsWith(dataDir == null ? "\0" : dataDir + "/") ? placeOrNull(path) : "site/" + path;
            if (place != null) {
                recorded.put(place, line.substring(hashAt + 1));
            }
        }
        return recorded;
    }

    private static String placeOrNull(String name) {
        try {
            return place(null, name);
        } catch (CliException e) {
            return null;
        }
    }

    /** RFC 822 style headers of METADATA (the first value of each). */
    private static Map<String, String> headers(Path metadata) throws IOException {
        Map<String, String> headers = new HashMap<>();
        if (!Files.isRegularFile(metadata)) {
            return headers;
        }
        for (String line : Files.readAllLines(metadata, StandardCharsets.UTF_8)) {
            if (line.isEmpty()) {
                break;
            }
            int colon = line.indexOf(':');
            if (colon > 0 && !Character.isWhitespace(line.charAt(0))) {
                headers.putIfAbsent(line.substring(0, colon).trim(), line.substring(colon + 1).trim());
            }
        }
        return headers;
    }

    /** entry_points.txt (an INI file): section → name → {@code module:attr}. */
    static Map<String, Map<String, String>> entryPoints(Path file) throws IOException {
        Map<String, Map<String, String>> sections = new TreeMap<>();
        if (!Files.isRegularFile(file)) {
            return sections;
        }
        Map<String, String> section = null;
        for (String raw : Files.readAllLines(file, StandardCharsets.UTF_8)) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
                continue;
            }
            if (line.startsWith("[") && line.endsWith("]")) {
                section = sections.computeIfAbsent(line.substring(1, line.length() - 1).strip(), k -> new TreeMap<>());
            } else if (section != null && line.contains("=")) {
                section.put(line.substring(0, line.indexOf('=')).strip(), line.substring(line.indexOf('=') + 1).strip());
            }
        }
        return sections;
    }

    /** Zip names are relative, forward-slashed and stay inside the entry. */
    private static String safeName(Path wheel, String name) {
        List<String> parts = new ArrayList<>(List.of(name.split("/")));
        if (name.startsWith("/") || name.contains("\\") || name.indexOf('\0') >= 0 || parts.contains("..")
                || name.isEmpty()) {
            throw invalid(wheel, "unsafe path '" + name + "'");
        }
        return name;
    }

    private static CliException invalid(Path wheel, String why) {
        return new CliException(ExitCode.INTEGRITY, "the wheel " + (wheel == null ? "" : wheel.getFileName() + " ")
                + "is not a valid wheel: " + why);
    }
}
