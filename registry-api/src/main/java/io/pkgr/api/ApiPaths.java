package io.pkgr.api;

import io.pkgr.bundle.BundleName;
import io.pkgr.bundle.Version;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * The native API's paths: templates for the server's router (absolute, {@code {name}} style) and
 * the same paths filled in for a client, relative so they resolve under a registry URL that has a
 * path of its own ({@code https://host/pkgr/}).
 */
public final class ApiPaths {

    public static final String PREFIX = "/api/v1";
    public static final String BUNDLE = PREFIX + "/bundles/{name}";
    public static final String VERSION = BUNDLE + "/{version}";
    public static final String DOWNLOAD = VERSION + "/download";
    public static final String YANK = VERSION + "/yank";
    /** GET/HEAD one blob of a version (a layer, or the whole bundle), by its digest {@code sha256:HEX}. */
    public static final String VERSION_BLOB = VERSION + "/blobs/{digest}";
    /** GET how a version is stored as layers ({@link VersionRecord.Layers}); 404 for a version stored as one file. */
    public static final String LAYERS = VERSION + "/layers";
    public static final String UPLOADS = PREFIX + "/uploads/{name}";
    /** POST a {@link BlobQuery}: which blobs a publish of NAME must upload. */
    public static final String UPLOAD_MISSING = UPLOADS + "/missing";
    /** PUT one blob for a later layered publish of NAME, by its digest {@code sha256:HEX}. */
    public static final String UPLOAD_BLOB = UPLOADS + "/blobs/{digest}";
    public static final String UNYANK = VERSION + "/unyank";
    public static final String SEARCH = PREFIX + "/search";
    public static final String WHOAMI = PREFIX + "/whoami";
    /** GET lists API tokens, POST makes one ({@link Tokens}). */
    public static final String TOKENS = PREFIX + "/tokens";
    /** DELETE revokes the API token with this id. */
    public static final String TOKEN = TOKENS + "/{id}";
    /** POST a pkgr.lock: retention then keeps every version it pins (see {@link PinRecord}). */
    public static final String PINS = PREFIX + "/pins";
    /** DELETE: unregister the lock with this id (the sha256 of its bytes). */
    public static final String PIN = PINS + "/{id}";
    public static final String PYPI_PROJECT = PREFIX + "/pypi/{project}";
    public static final String PYPI_FILE = PYPI_PROJECT + "/{file}";
    public static final String PYPI_YANK = PYPI_FILE + "/yank";
    public static final String PYPI_UNYANK = PYPI_FILE + "/unyank";

    private ApiPaths() {
    }

    /** The server's path of one version, as sent in {@code Location} after a publish. */
    public static String location(BundleName name, Version version) {
        return PREFIX + "/bundles/" + name.normalized() + "/" + version;
    }

    /** Relative path of a bundle's version list. */
    public static String bundle(BundleName name) {
        return relative(PREFIX) + "/bundles/" + segment(name.value());
    }

    /** Relative path of one version's record (PUT publishes, DELETE removes). */
    public static String version(BundleName name, Version version) {
        return bundle(name) + "/" + segment(version.toString());
    }

    public static String download(BundleName name, Version version) {
        return version(name, version) + "/download";
    }

    /** Relative path of one blob of a version. */
    public static String versionBlob(BundleName name, Version version, io.pkgr.bundle.Sha256 digest) {
        return version(name, version) + "/blobs/sha256:" + digest.hex();
    }

    public static String layers(BundleName name, Version version) {
        return version(name, version) + "/layers";
    }

    public static String uploadMissing(BundleName name) {
        return relative(PREFIX) + "/uploads/" + segment(name.value()) + "/missing";
    }

    public static String uploadBlob(BundleName name, io.pkgr.bundle.Sha256 digest) {
        return relative(PREFIX) + "/uploads/" + segment(name.value()) + "/blobs/sha256:" + digest.hex();
    }

    public static String yank(BundleName name, Version version) {
        return version(name, version) + "/yank";
    }

    public static String search(String query) {
        return relative(SEARCH) + "?q=" + URLEncoder.encode(query, StandardCharsets.UTF_8);
    }

    public static String whoami() {
        return relative(WHOAMI);
    }

    /** Relative path of the token list, for one user when {@code user} is not null. */
    public static String tokens(String user) {
        return relative(TOKENS) + (user == null ? "" : "?user=" + URLEncoder.encode(user, StandardCharsets.UTF_8));
    }

    public static String token(String id) {
        return relative(TOKENS) + "/" + segment(id);
    }

    private static String relative(String absolute) {
        return absolute.substring(1);
    }

    /** A path segment: '+' of build metadata must survive, so it is escaped too. */
    private static String segment(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%2B");
    }
}
