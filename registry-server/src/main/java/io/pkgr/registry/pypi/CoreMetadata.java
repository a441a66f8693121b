package io.pkgr.registry.pypi;

import io.pkgr.bundle.BundleName;
import io.pkgr.bundle.pep440.Pep440Version;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.channels.SeekableByteChannel;
import java.util.ArrayList;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.commons.compress.archivers.zip.ZipArchiveEntry;
import org.apache.commons.compress.archivers.zip.ZipFile;

/**
 * A wheel's core metadata ({@code NAME-VERSION.dist-info/METADATA}), extracted at upload so the
 * index can serve it as {@code FILE.metadata} (PEP 658) and pip resolves without downloading
 * wheels. The metadata must name the project and version of the upload.
 */
record CoreMetadata(byte[] bytes, Map<String, String> headers) {

    static final int MAX_SIZE = 8 * 1024 * 1024;

    String header(String name) {
        return headers.get(name.toLowerCase(Locale.ROOT));
    }

    /**
     * Reads the METADATA of the wheel on {@code wheel} (closed after): the zip's central directory
     * and one entry, not the whole file.
     *
     * @throws IllegalArgumentException with a message for the client when the wheel is not a
     *         readable zip, has no (or an ambiguous) METADATA, or names another project or version
     */
    static CoreMetadata fromWheel(SeekableByteChannel wheel, String project, Pep440Version version) {
        String expected = BundleName.normalize(project);
        byte[] bytes;
        try (ZipFile zip = ZipFile.builder().setSeekableByteChannel(wheel).get()) {
            List<ZipArchiveEntry> candidates = new ArrayList<>();
            Enumeration<ZipArchiveEntry> entries = zip.getEntries();
            while (entries.hasMoreElements()) {
                ZipArchiveEntry entry = entries.nextElement();
                String name = entry.getName();
                int slash = name.indexOf('/');
                if (slash > 0 && name.substring(0, slash).endsWith(".dist-info") && name.substring(slash).equals("/METADATA")) {
                    candidates.add(entry);
                }
            }
            ZipArchiveEntry chosen = choose(candidates, expected);
            try (InputStream in = zip.getInputStream(chosen)) {
                bytes = in.readNBytes(MAX_SIZE + 1);
            }
            if (bytes.length > MAX_SIZE) {
                throw new IllegalArgumentException("the wheel's METADATA is larger than " + MAX_SIZE + " bytes");
            }
        } catch (IOException e) {
            // the staged bytes are local or the backend's: what fails here is the archive
            throw new IllegalArgumentException("the wheel is not a readable zip archive: " + e.getMessage());
        }
        Map<String, String> headers = parseHeaders(bytes);
        String name = headers.get("name");
        String ver = headers.get("version");
        if (name == null || ver == null) {
            throw new IllegalArgumentException("the wheel's METADATA has no Name or Version");
        }
        if (!BundleName.normalize(name).equals(expected)) {
            throw new IllegalArgumentException("the wheel's METADATA names project '" + name + "', not '" + project + "'");
        }
        if (!Pep440Version.isValid(ver) || Pep440Version.parse(ver).compareTo(version) != 0) {
            throw new IllegalArgumentException("the wheel's METADATA has version '" + ver + "', not " + version);
        }
        return new CoreMetadata(bytes, headers);
    }

    private static ZipArchiveEntry choose(List<ZipArchiveEntry> candidates, String expected) {
        if (candidates.size() == 1) {
            return candidates.get(0);
        }
        for (ZipArchiveEntry entry : candidates) {
            String dir = entry.getName().substring(0, entry.getName().indexOf(".dist-info/"));
            int dash = dir.lastIndexOf('-');
            if (dash > 0 && BundleName.normalize(dir.substring(0, dash)).equals(expected)) {
                return entry;
            }
        }
        throw new IllegalArgumentException(candidates.isEmpty()
                ? "the wheel has no .dist-info/METADATA: not a valid wheel"
                : "the wheel has several .dist-info directories and none for this project");
    }

    /** The first value of each header of an email-style metadata file (keys lower-cased), up to the body. */
    static Map<String, String> parseHeaders(byte[] bytes) {
        Map<String, String> headers = new LinkedHashMap<>();
        String text = new String(bytes, StandardCharsets.UTF_8);
        for (String line : text.split("\r?\n", -1)) {
            if (line.isEmpty()) {
                break;
            }
            if (line.charAt(0) == ' ' || line.charAt(0) == '\t') {
                continue;
            }
            int colon = line.indexOf(':');
            if (colon > 0) {
                headers.putIfAbsent(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
            }
        }
        return headers;
    }
}
