package io.pkgr.api;

import java.util.Arrays;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Every error the registry answers with: a stable code (the constant's name, sent as
 * {@code error.code}), an HTTP status and a message template. Clients decide on the code, never on
 * the status, so codes are only ever added, not renamed.
 */
public enum ErrorCode {
    BAD_REQUEST(400, "%s"),
    UPLOAD_INVALID(400, "%s"),
    INVALID_NAME(400, "invalid bundle name: %s"),
    INVALID_VERSION(400, "invalid version: %s"),
    DIGEST_INVALID(400, "invalid digest header: %s"),
    DIGEST_MISMATCH(400, "content sha256 is %s but the request declared %s"),
    MAVEN_PATH_INVALID(400, "not a Maven repository path: %s"),
    CHECKSUM_MISMATCH(400, "the %s of %s is %s but the checksum sent says %s; the checksum was not accepted%s"),
    UNAUTHORIZED(401, "authentication required"),
    BAD_CREDENTIALS(401, "invalid username or password"),
    MALFORMED_CREDENTIALS(401, "malformed Authorization header"),
    DENIED(403, "user '%s' may not %s %s"),
    TOKEN_INVALID(401, "unknown or revoked API token"),
    TOKEN_EXPIRED(401, "API token '%s' of user '%s' expired at %s"),
    TOKEN_DENIED(403, "API token '%s' of user '%s' may not %s %s (its scopes: %s)"),
    TOKEN_SCOPE_EXCEEDED(403, "user '%s' may not %s every bundle matching '%s', so no token of theirs may"),
    TOKEN_MANAGEMENT_DENIED(403, "%s"),
    TOKEN_UNKNOWN(404, "no API token '%s'"),
    TOKEN_EXISTS(409, "user '%s' already has a token named '%s'; revoke it first or choose another name"),
    NOT_FOUND(404, "no route for %s"),
    NAME_UNKNOWN(404, "no bundle named '%s'"),
    VERSION_UNKNOWN(404, "no version %s of '%s'"),
    BLOB_UNKNOWN(404, "no blob %s in %s %s"),
    LAYERS_UNKNOWN(404, "%s %s is stored as one file (it was published before layers)"),
    PROJECT_UNKNOWN(404, "no PyPI project named '%s'"),
    FILE_UNKNOWN(404, "no file %s in PyPI project '%s'"),
    MAVEN_FILE_UNKNOWN(404, "no %s in the Maven repository"),
    METHOD_NOT_ALLOWED(405, "method %s not allowed here"),
    BODY_TOO_SLOW(408, "the request body arrived slower than the minimum of %d bytes/s"),
    VERSION_EXISTS(409, "%s %s already exists with sha256 %s; published versions are immutable"),
    VERSION_PRECEDENCE_EXISTS(409, "%s %s differs from the published %3$s only in build metadata, which SemVer 2.0"
            + " (section 10) ignores when ordering versions: %3$s already holds that place; publish another version"),
    FILE_EXISTS(409, "File already exists: %s was uploaded with sha256 %s; files are immutable"),
    MAVEN_RELEASE_EXISTS(409, "%s is already stored with sha256 %s, and release versions are immutable;"
            + " deploy a new version (or a -SNAPSHOT)"),
    UPLOAD_TOO_LARGE(413, "upload is larger than the limit of %d bytes"),
    UNSUPPORTED_MEDIA_TYPE(415, "unsupported content type '%s'; send the bundle as application/octet-stream"),
    RANGE_NOT_SATISFIABLE(416, "range '%s' is outside the %d bytes of the file"),
    BUNDLE_INVALID(422, "bundle rejected: %s"),
    BLOBS_MISSING(409, "the registry does not hold %d of the bundle's blobs (first: %s); upload them first"),
    ASSEMBLY_MISMATCH(422, "the bundle assembled from its layers has sha256 %s, not the declared %s (the registry's "
            + "deflate differs from the publisher's); upload the whole bundle instead"),
    BLOB_CORRUPT(422, "the stored blob %s does not match its digest; it was removed, upload the whole bundle again"),
    SIGNATURE_INVALID(422, "signature rejected: %s"),
    MANIFEST_MISMATCH(422, "the bundle's manifest says %s %s but it was published as %s %s"),
    TOO_MANY_ATTEMPTS(429, "too many failed logins; retry in %d seconds"),
    INSUFFICIENT_STORAGE(507, "the registry's storage is full; nothing was stored or changed. Retry once an operator"
            + " has freed space"),
    UPLOADS_BUSY(503, "too many uploads in progress (limit %d); retry shortly"),
    UNAVAILABLE(503, "%s"),
    CATALOG_UNAVAILABLE(503, "the registry cannot reach its catalog database; nothing was stored or changed."
            + " Downloads and pages are still served; retry shortly"),
    INTERNAL(500, "internal error; see the server log (ref %s)");

    private static final Map<String, ErrorCode> BY_NAME =
            Arrays.stream(values()).collect(Collectors.toUnmodifiableMap(Enum::name, Function.identity()));

    private final int status;
    private final String template;

    ErrorCode(int status, String template) {
        this.status = status;
        this.template = template;
    }

    public int status() {
        return status;
    }

    /** The message with {@code args} filled into the template. */
    public String format(Object... args) {
        return String.format(java.util.Locale.ROOT, template, args);
    }

    /** The code named {@code name}; empty for a code this side does not know (a newer server's). */
    public static Optional<ErrorCode> find(String name) {
        return Optional.ofNullable(name == null ? null : BY_NAME.get(name));
    }
}
