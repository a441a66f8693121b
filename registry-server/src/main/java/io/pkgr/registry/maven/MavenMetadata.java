package io.pkgr.registry.maven;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.eclipse.aether.util.version.GenericVersionScheme;
import org.eclipse.aether.version.InvalidVersionSpecificationException;
import org.eclipse.aether.version.Version;

/**
 * {@code maven-metadata.xml} generated from the stored files, never from what a client sent: at
 * artifact level the versions (in Maven Resolver's order), {@code latest}, {@code release} and
 * {@code lastUpdated}; at snapshot-version level the newest timestamped build and, per classifier
 * and extension, its newest file. The same files always give the same bytes, so a checksum fetched
 * after the metadata matches it.
 */
final class MavenMetadata {

    private static final GenericVersionScheme VERSIONS = new GenericVersionScheme();
    private static final DateTimeFormatter LAST_UPDATED =
            DateTimeFormatter.ofPattern("yyyyMMddHHmmss").withZone(ZoneOffset.UTC);

    private MavenMetadata() {
    }

    /** Artifact-level metadata of {@code files} (every file of one artifact); null when none is stored. */
    static byte[] artifact(String groupId, String artifactId, List<MavenFile> files) {
        if (files.isEmpty()) {
            return null;
        }
        List<String> versions = new ArrayList<>(MavenRepository.versions(files));
        versions.sort(Comparator.comparing(MavenMetadata::parse));
        String latest = versions.get(versions.size() - 1);
        String release = null;
        for (String v : versions) {
            if (!MavenPath.isSnapshot(v)) {
                release = v;
            }
        }
        StringBuilder xml = header(groupId, artifactId, null);
        xml.append("  <versioning>\n");
        element(xml, "    ", "latest", latest);
        if (release != null) {
            element(xml, "    ", "release", release);
        }
        xml.append("    <versions>\n");
        for (String v : versions) {
            element(xml, "      ", "version", v);
        }
        xml.append("    </versions>\n");
        element(xml, "    ", "lastUpdated", LAST_UPDATED.format(newest(files)));
        xml.append("  </versioning>\n</metadata>\n");
        return xml.toString().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Version-level metadata of the snapshot {@code version} from the artifact's {@code files}; null
     * when that version has no file.
     */
    static byte[] snapshot(String groupId, String artifactId, String version, List<MavenFile> files) {
        String base = MavenRepository.baseVersion(version);
        MavenPath.SnapshotBuild newestBuild = null;
        // classifier NUL extension → the newest file of that kind, with its build (null: a -SNAPSHOT file)
        Map<String, Entry> newestByKind = new TreeMap<>();
        List<MavenFile> ofVersion = new ArrayList<>();
        for (MavenFile file : files) {
            MavenPath path = MavenPath.parse(file.path());
            if (!version.equals(path.version())) {
                continue;
            }
            ofVersion.add(file);
            MavenPath.FileParts parts = path.fileParts();
            if (parts.build() != null && (newestBuild == null || parts.build().compareTo(newestBuild) > 0)) {
                newestBuild = parts.build();
            }
            Entry entry = new Entry(parts, file.uploaded());
            newestByKind.merge(parts.classifier() + '\0' + parts.extension(), entry, Entry::newer);
        }
        if (ofVersion.isEmpty()) {
            return null;
        }
        StringBuilder xml = header(groupId, artifactId, version);
        xml.append("  <versioning>\n");
        if (newestBuild != null) {
            xml.append("    <snapshot>\n");
            element(xml, "      ", "timestamp", newestBuild.timestamp());
            element(xml, "      ", "buildNumber", Integer.toString(newestBuild.buildNumber()));
            xml.append("    </snapshot>\n");
        } else {
            xml.append("    <snapshot>\n      <localCopy>true</localCopy>\n    </snapshot>\n");
        }
        element(xml, "    ", "lastUpdated", LAST_UPDATED.format(newest(ofVersion)));
        xml.append("    <snapshotVersions>\n");
        for (Entry entry : newestByKind.values()) {
            xml.append("      <snapshotVersion>\n");
            if (!entry.parts.classifier().isEmpty()) {
                element(xml, "        ", "classifier", entry.parts.classifier());
            }
            element(xml, "        ", "extension", entry.parts.extension());
            element(xml, "        ", "value", entry.parts.build() == null ? version : entry.parts.build().version(base));
            element(xml, "        ", "updated", LAST_UPDATED.format(entry.uploaded));
            xml.append("      </snapshotVersion>\n");
        }
        xml.append("    </snapshotVersions>\n  </versioning>\n</metadata>\n");
        return xml.toString().getBytes(StandardCharsets.UTF_8);
    }

    /** A snapshot file's kind, newest first by build (a timestamped build beats the plain -SNAPSHOT file), then time. */
    private record Entry(MavenPath.FileParts parts, Instant uploaded) {
        static Entry newer(Entry a, Entry b) {
            if (a.parts.build() != null && b.parts.build() != null) {
                return a.parts.build().compareTo(b.parts.build()) >= 0 ? a : b;
            }
            if ((a.parts.build() == null) != (b.parts.build() == null)) {
                return a.parts.build() != null ? a : b;
            }
            return a.uploaded.isAfter(b.uploaded) ? a : b;
        }
    }

    private static StringBuilder header(String groupId, String artifactId, String version) {
        StringBuilder xml = new StringBuilder("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
        xml.append(version == null ? "<metadata>\n" : "<metadata modelVersion=\"1.1.0\">\n");
        element(xml, "  ", "groupId", groupId);
        element(xml, "  ", "artifactId", artifactId);
        if (version != null) {
            element(xml, "  ", "version", version);
        }
        return xml;
    }

    private static Instant newest(List<MavenFile> files) {
        return files.stream().map(MavenFile::uploaded).max(Comparator.naturalOrder()).orElseThrow();
    }

    // values are MavenPath segments (letters, digits, . _ + ~ -): nothing to escape
    private static void element(StringBuilder xml, String indent, String name, String value) {
        xml.append(indent).append('<').append(name).append('>').append(value).append("</").append(name).append(">\n");
    }

    /** {@code version} in Maven Resolver's order. */
    static Version parse(String version) {
        try {
            return VERSIONS.parseVersion(version);
        } catch (InvalidVersionSpecificationException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
