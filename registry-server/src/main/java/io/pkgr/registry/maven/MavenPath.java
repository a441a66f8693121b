package io.pkgr.registry.maven;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A request path under {@code /maven/}, parsed and checked: the Maven 2 layout
 * {@code GROUP/ARTIFACT/VERSION/FILE} (the group's dots as slashes), the metadata at artifact
 * ({@code GROUP/ARTIFACT/maven-metadata.xml}) or snapshot-version level, and the checksum of either.
 * Every segment is a plain name ({@code [A-Za-z0-9_][A-Za-z0-9._+~-]*}), so {@code ..}, {@code .},
 * empty segments, backslashes, percent signs and control characters cannot get through; a file's
 * name must start with its artifact and version.
 *
 * @param groupId the group, dotted
 * @param artifactId the artifact
 * @param version the version directory; null for artifact-level metadata
 * @param fileName the file the path names, without a checksum suffix
 * @param kind what the path names
 * @param checksum the checksum algorithm when the path names a checksum of {@code fileName}, else null
 */
record MavenPath(String groupId, String artifactId, String version, String fileName, Kind kind, Checksum checksum) {

    static final String METADATA = "maven-metadata.xml";
    static final String SNAPSHOT = "SNAPSHOT";
    private static final Pattern SEGMENT = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9._+~-]{0,199}");
    /** A timestamped snapshot build in a file name: {@code 1.0-20240501.101112-3}. */
    private static final Pattern TIMESTAMPED = Pattern.compile("(\\d{8}\\.\\d{6})-(\\d{1,9})");

    /** What a path names. */
    enum Kind { FILE, METADATA }

    /** The checksum sidecars Maven and Gradle upload and fetch, by suffix. */
    enum Checksum {
        MD5("md5", "MD5"), SHA1("sha1", "SHA-1"), SHA256("sha256", "SHA-256"), SHA512("sha512", "SHA-512");

        final String suffix;
        final String algorithm;

        Checksum(String suffix, String algorithm) {
            this.suffix = suffix;
            this.algorithm = algorithm;
        }

        /** The checksum whose sidecar suffix ends {@code name}, or null. */
        static Checksum ofFileName(String name) {
            for (Checksum c : values()) {
                if (name.endsWith("." + c.suffix)) {
                    return c;
                }
            }
            return null;
        }
    }

    /** One timestamped snapshot build ({@code 20240501.101112}, 3). */
    record SnapshotBuild(String timestamp, int buildNumber) implements Comparable<SnapshotBuild> {
        /** The file-name form, {@code BASE-TIMESTAMP-BUILD}. */
        String version(String baseVersion) {
            return baseVersion + "-" + timestamp + "-" + buildNumber;
        }

        @Override
        public int compareTo(SnapshotBuild other) {
            int byNumber = Integer.compare(buildNumber, other.buildNumber);
            return byNumber != 0 ? byNumber : timestamp.compareTo(other.timestamp);
        }
    }

    /** The parts of a file name after its artifact and version: {@code -sources.jar} → sources, jar. */
    record FileParts(String versionInName, SnapshotBuild build, String classifier, String extension) {
    }

    /** Parses {@code path} (relative to {@code /maven/}, decoded); throws {@link IllegalArgumentException} with the reason. */
    static MavenPath parse(String path) {
        String[] segments = path.split("/", -1);
        for (String segment : segments) {
            if (!SEGMENT.matcher(segment).matches()) {
                throw new IllegalArgumentException("segment '" + printable(segment) + "' is not a plain name"
                        + " (letters, digits and . _ + ~ -, not starting with a dot)");
            }
        }
        int n = segments.length;
        String last = segments[n - 1];
        Checksum checksum = Checksum.ofFileName(last);
        String fileName = checksum == null ? last : last.substring(0, last.length() - checksum.suffix.length() - 1);
        if (fileName.equals(METADATA)) {
            boolean versionLevel = n >= 4 && segments[n - 2].endsWith("-" + SNAPSHOT);
            if (n < 3) {
                throw new IllegalArgumentException("metadata needs GROUP/ARTIFACT/" + METADATA);
            }
            int artifact = versionLevel ? n - 3 : n - 2;
            return new MavenPath(group(segments, artifact), segments[artifact], versionLevel ? segments[n - 2] : null,
                    fileName, Kind.METADATA, checksum);
        }
        if (n < 4) {
            throw new IllegalArgumentException("expected GROUP/ARTIFACT/VERSION/FILE");
        }
        MavenPath parsed = new MavenPath(group(segments, n - 3), segments[n - 3], segments[n - 2], fileName, Kind.FILE,
                checksum);
        parsed.fileParts(); // a file must be named after its artifact and version
        return parsed;
    }

    private static String group(String[] segments, int artifactIndex) {
        return String.join(".", Arrays.asList(segments).subList(0, artifactIndex));
    }

    /** True for a {@code -SNAPSHOT} version: its files may be redeployed. */
    boolean snapshot() {
        return version != null && isSnapshot(version);
    }

    static boolean isSnapshot(String version) {
        return version.endsWith("-" + SNAPSHOT);
    }

    /** {@code GROUP:ARTIFACT}: the name access rules match. */
    String coordinates() {
        return groupId + ":" + artifactId;
    }

    /** The directory of the artifact in the layout: {@code com/example/lib}. */
    String artifactDirectory() {
        return groupId.replace('.', '/') + "/" + artifactId;
    }

    /** The path of the file (never of its checksum) in the layout. */
    String filePath() {
        return artifactDirectory() + "/" + (version == null ? "" : version + "/") + fileName;
    }

    /** This path as the file itself, without the checksum. */
    MavenPath file() {
        return checksum == null ? this : new MavenPath(groupId, artifactId, version, fileName, kind, null);
    }

    /**
     * Splits the file name after {@code ARTIFACT-}: the version as written (for a snapshot, the
     * {@code -SNAPSHOT} form or a timestamped build), then {@code -CLASSIFIER} and {@code .EXTENSION}.
     */
    FileParts fileParts() {
        String prefix = artifactId + "-";
        if (!fileName.startsWith(prefix)) {
            throw notNamedAfter();
        }
        String rest = fileName.substring(prefix.length());
        String versionInName;
        SnapshotBuild build = null;
        if (rest.startsWith(version) && boundary(rest, version.length())) {
            versionInName = version;
        } else if (snapshot()) {
            String base = version.substring(0, version.length() - SNAPSHOT.length() - 1);
            Matcher m = TIMESTAMPED.matcher(rest);
            if (!rest.startsWith(base + "-") || !m.find(base.length() + 1) || m.start() != base.length() + 1
                    || !boundary(rest, m.end())) {
                throw notNamedAfter();
            }
            build = new SnapshotBuild(m.group(1), Integer.parseInt(m.group(2)));
            versionInName = rest.substring(0, m.end());
        } else {
            throw notNamedAfter();
        }
        String tail = rest.substring(versionInName.length());
        String classifier = "";
        if (tail.startsWith("-")) {
            int dot = tail.indexOf('.');
            if (dot < 0) {
                throw new IllegalArgumentException("file '" + fileName + "' has no extension");
            }
            classifier = tail.substring(1, dot);
            tail = tail.substring(dot);
            if (classifier.isEmpty()) {
                throw new IllegalArgumentException("file '" + fileName + "' has an empty classifier");
            }
        }
        if (tail.length() < 2 || classifier.isEmpty() && tail.charAt(0) != '.' || tail.endsWith(".")) {
            throw new IllegalArgumentException("file '" + fileName + "' has no extension");
        }
        return new FileParts(versionInName, build, classifier, tail.substring(1).toLowerCase(Locale.ROOT));
    }

    private IllegalArgumentException notNamedAfter() {
        return new IllegalArgumentException("file '" + fileName + "' is not named after its artifact and version ("
                + artifactId + "-" + version + (snapshot() ? " or a timestamped build of it" : "") + ")");
    }

    private static boolean boundary(String s, int at) {
        return at < s.length() && (s.charAt(at) == '.' || s.charAt(at) == '-');
    }

    /** The segments of the artifact directory, for listing. */
    List<String> artifactSegments() {
        return List.of(artifactDirectory().split("/"));
    }

    static String printable(String s) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < s.length() && i < 200; i++) {
            char c = s.charAt(i);
            out.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return out.toString();
    }
}
