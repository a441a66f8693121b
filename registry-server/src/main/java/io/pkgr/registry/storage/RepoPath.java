package io.pkgr.registry.storage;

import java.util.List;

/**
 * A storage key: slash-separated segments that can never climb out of the store.
 *
 * <p>Each segment is ASCII letters, digits, {@code . _ + -}, does not start with a dot (so no
 * {@code .}, {@code ..} or hidden temp files), and the path is relative. Backslashes, NUL and
 * empty segments are rejected by the same rule.
 */
public record RepoPath(String value) implements Comparable<RepoPath> {

    static final int MAX_LENGTH = 1024;
    static final int MAX_SEGMENT = 255;

    public RepoPath {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException("storage path is empty");
        }
        if (value.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("storage path longer than " + MAX_LENGTH + " characters");
        }
        int start = 0;
        for (int i = 0; i <= value.length(); i++) {
            if (i == value.length() || value.charAt(i) == '/') {
                if (!validSegment(value, start, i)) {
                    throw new IllegalArgumentException("invalid storage path segment in '" + printable(value) + "'");
                }
                start = i + 1;
            }
        }
    }

    /**
     * {@code value[from, to)} matches {@code [A-Za-z0-9_+-][A-Za-z0-9._+-]*} and is at most
     * {@link #MAX_SEGMENT} long. A loop, not a regex: every request and every record read at
     * start-up builds paths.
     */
    private static boolean validSegment(String value, int from, int to) {
        if (to == from || to - from > MAX_SEGMENT) {
            return false;
        }
        for (int i = from; i < to; i++) {
            char c = value.charAt(i);
            boolean ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
                    || c == '_' || c == '+' || c == '-' || c == '.' && i > from;
            if (!ok) {
                return false;
            }
        }
        return true;
    }

    /** Parses a path, throwing {@link IllegalArgumentException} when it is not a safe relative path. */
    public static RepoPath of(String value) {
        return new RepoPath(value);
    }

    /** Joins segments with '/', each validated. */
    public static RepoPath of(String first, String... more) {
        return new RepoPath(more.length == 0 ? first : first + "/" + String.join("/", more));
    }

    public RepoPath resolve(String child) {
        return new RepoPath(value + "/" + child);
    }

    public List<String> segments() {
        return List.of(value.split("/"));
    }

    /** The last segment. */
    public String fileName() {
        int slash = value.lastIndexOf('/');
        return slash < 0 ? value : value.substring(slash + 1);
    }

    public boolean startsWith(RepoPath prefix) {
        return value.equals(prefix.value) || value.startsWith(prefix.value + "/");
    }

    @Override
    public int compareTo(RepoPath other) {
        return value.compareTo(other.value);
    }

    @Override
    public String toString() {
        return value;
    }

    private static String printable(String s) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < s.length() && i < 200; i++) {
            char c = s.charAt(i);
            out.append(c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format("\\u%04x", (int) c));
        }
        return out.toString();
    }
}
