package io.pkgr.registry.pypi;

import io.pkgr.bundle.BundleName;
import io.pkgr.bundle.pep440.Pep440Version;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * The name of an uploaded distribution file: a wheel ({@code NAME-VER(-BUILD)?-PY-ABI-PLAT.whl})
 * or an sdist ({@code NAME-VER.tar.gz} / {@code .zip}), checked against the project and version
 * the upload names. Only characters a storage path may hold are allowed.
 */
record DistributionFilename(String value, Kind kind) {

    /** What sort of distribution the file is, with the {@code filetype} twine and poetry send for it. */
    enum Kind {
        WHEEL("bdist_wheel"), SDIST("sdist");

        final String filetype;

        Kind(String filetype) {
            this.filetype = filetype;
        }
    }

    static final int MAX_LENGTH = 200;
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._+\\-]*");
    private static final Pattern WHEEL_TAG = Pattern.compile("[A-Za-z0-9_.]+");

    /**
     * Parses {@code filename} as a distribution of {@code project} {@code version} (both as the
     * upload declared them; compared PEP 503 / PEP 440 normalised).
     *
     * @throws IllegalArgumentException with a message for the client when it is not
     */
    static DistributionFilename parse(String filename, String project, Pep440Version version) {
        if (filename == null || filename.isEmpty()) {
            throw new IllegalArgumentException("the content part has no filename");
        }
        if (filename.length() > MAX_LENGTH || !SAFE.matcher(filename).matches()) {
            throw new IllegalArgumentException("invalid filename '" + printable(filename)
                    + "': use letters, digits, '.', '_', '+' and '-'");
        }
        checkExtensionCase(filename);
        String expected = BundleName.normalize(project);
        if (filename.endsWith(".whl")) {
            String[] parts = filename.substring(0, filename.length() - 4).split("-", -1);
            if (parts.length != 5 && parts.length != 6) {
                throw new IllegalArgumentException("invalid wheel filename '" + filename
                        + "': expected NAME-VERSION(-BUILD)-PYTHON-ABI-PLATFORM.whl");
            }
            for (int i = parts.length - 3; i < parts.length; i++) {
                if (!WHEEL_TAG.matcher(parts[i]).matches()) {
                    throw new IllegalArgumentException("invalid wheel filename '" + filename + "': bad tag '" + parts[i] + "'");
                }
            }
            check(filename, parts[0], parts[1], expected, version);
            return new DistributionFilename(filename, Kind.WHEEL);
        }
        String stem;
        if (filename.endsWith(".tar.gz")) {
            stem = filename.substring(0, filename.length() - 7);
        } else if (filename.endsWith(".zip")) {
            stem = filename.substring(0, filename.length() - 4);
        } else {
            throw new IllegalArgumentException("invalid filename '" + filename
                    + "': only wheels (.whl) and sdists (.tar.gz, .zip) are accepted");
        }
        if (stem.contains("+")) {
            throw new IllegalArgumentException("filename '" + filename + "': "
                    + localVersionRefused(stem.substring(stem.lastIndexOf('-', stem.indexOf('+')) + 1)));
        }
        // legacy sdist names may hold '-' in the project part: try every split
        for (int dash = stem.indexOf('-'); dash > 0; dash = stem.indexOf('-', dash + 1)) {
            String name = stem.substring(0, dash);
            String ver = stem.substring(dash + 1);
            if (BundleName.normalize(name).equals(expected) && Pep440Version.isValid(ver)
                    && Pep440Version.parse(ver).compareTo(version) == 0) {
                return new DistributionFilename(filename, Kind.SDIST);
            }
        }
        throw new IllegalArgumentException("filename '" + filename + "' is not an sdist of " + project + " " + version
                + " (expected " + expected.replace('-', '_') + "-" + version + ".tar.gz)");
    }

    /**
     * pip and PyPI read only the lower-case extensions: {@code x.WHL} is no wheel to pip (it never
     * installs it) and PyPI refuses it, so it is refused here rather than stored as a file of its own.
     */
    private static void checkExtensionCase(String filename) {
        String lower = filename.toLowerCase(Locale.ROOT);
        for (String extension : new String[] {".whl", ".tar.gz", ".zip"}) {
            if (lower.endsWith(extension) && !filename.endsWith(extension)) {
                throw new IllegalArgumentException("invalid filename '" + filename + "': the extension must be '"
                        + extension + "' in lower case, the only spelling pip and PyPI read");
            }
        }
    }

    /**
     * The message for a local version ({@code 1.0.0+evil}). Under PEP 440 {@code ==1.0.0} ignores a
     * candidate's local label and pip takes the highest match, so a local version of a published
     * release would replace it for everyone who pinned it. pypi.org refuses them for that reason.
     */
    static String localVersionRefused(String version) {
        return "version '" + version + "' is a local version: local versions (+label) cannot be uploaded, as on"
                + " pypi.org; pip would install it for '==" + version.substring(0, version.indexOf('+'))
                + "' in place of the published release. Publish a new version instead";
    }

    private static void check(String filename, String name, String ver, String expectedName, Pep440Version version) {
        if (!BundleName.normalize(name).equals(expectedName)) {
            throw new IllegalArgumentException("filename '" + filename + "' names project '" + name
                    + "', but the upload is for '" + expectedName + "'");
        }
        if (ver.contains("+")) {
            throw new IllegalArgumentException("filename '" + filename + "': " + localVersionRefused(ver));
        }
        if (!Pep440Version.isValid(ver) || Pep440Version.parse(ver).compareTo(version) != 0) {
            throw new IllegalArgumentException("filename '" + filename + "' has version '" + ver
                    + "', but the upload is for version " + version);
        }
    }

    private static String printable(String s) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < s.length() && i < MAX_LENGTH; i++) {
            char c = s.charAt(i);
            out.append(c >= 0x20 && c < 0x7f ? String.valueOf(c) : "?");
        }
        return out.toString();
    }

    @Override
    public String toString() {
        return value;
    }
}
