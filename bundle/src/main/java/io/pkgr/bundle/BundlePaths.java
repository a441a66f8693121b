package io.pkgr.bundle;

/** The layout inside a bundle and the rules an entry path must follow. */
public final class BundlePaths {

    /** The project's own files. */
    public static final String FILES = "files/";
    /** Vendored dependencies: wheels or jars. */
    public static final String DEPS = "deps/";
    static final int MAX_PATH_LENGTH = 1024;

    private BundlePaths() {
    }

    /**
     * Checks that {@code path} is a canonical relative payload path under {@code files/} or
     * {@code deps/}: no absolute part, no '.', '..' or empty segment, no backslash, no control
     * character.
     */
    public static void checkPayloadPath(String path) {
        checkSafe(path);
        if (!path.startsWith(FILES) && !path.startsWith(DEPS)) {
            throw new BundleException(BundleException.Code.UNSAFE_PATH,
                    "entry '" + Text.printable(path) + "' is outside files/ and deps/");
        }
    }

    static void checkSafe(String path) {
        if (path.isEmpty()) {
            throw new BundleException(BundleException.Code.UNSAFE_PATH, "entry with an empty name");
        }
        if (path.length() > MAX_PATH_LENGTH) {
            throw new BundleException(BundleException.Code.UNSAFE_PATH,
                    "entry name longer than " + MAX_PATH_LENGTH + " characters");
        }
        if (path.startsWith("/") || (path.length() > 1 && path.charAt(1) == ':')) {
            throw new BundleException(BundleException.Code.UNSAFE_PATH,
                    "absolute path '" + Text.printable(path) + "' in bundle");
        }
        for (int i = 0; i < path.length(); i++) {
            char c = path.charAt(i);
            if (c == '\\') {
                throw new BundleException(BundleException.Code.UNSAFE_PATH,
                        "backslash in entry name '" + Text.printable(path) + "'");
            }
            if (c < 0x20 || c == 0x7f) {
                throw new BundleException(BundleException.Code.UNSAFE_PATH,
                        "control character in entry name '" + Text.printable(path) + "'");
            }
        }
        for (String segment : path.split("/", -1)) {
            if (segment.equals("..")) {
                throw new BundleException(BundleException.Code.UNSAFE_PATH,
                        "entry '" + Text.printable(path) + "' escapes the bundle with '..'");
            }
            if (segment.isEmpty() || segment.equals(".")) {
                throw new BundleException(BundleException.Code.UNSAFE_PATH,
                        "entry name '" + Text.printable(path) + "' is not canonical (empty or '.' segment)");
            }
        }
    }
}
