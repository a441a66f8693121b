package io.pkgr.registry.audit;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.Instant;
import java.util.Objects;

/**
 * One line of the audit log: what changed (or was refused), by whom, from where. Fields that do
 * not apply are left out of the line. Never holds a secret: a token is named by its public id
 * and its owner's label for it.
 *
 * @param action {@code publish}, {@code yank}, {@code unyank}, {@code delete}, {@code pypi-upload},
 *     {@code pypi-yank}, {@code pypi-unyank}, {@code pypi-delete}, {@code token-create},
 *     {@code token-revoke}, {@code user-create}, {@code users-reload}, {@code access-reload}, or
 *     {@code request} for a write refused before its route was known (bad credentials)
 * @param outcome {@code ok}, {@code refused} (4xx) or {@code failed} (5xx)
 * @param status the HTTP status answered, for changes made over HTTP
 * @param code the error code of a refusal ({@code TOKEN_DENIED}, …)
 * @param user who: the authenticated user, absent for anonymous callers and for the server itself
 * @param tokenId the id of the API token the request came with, absent for a password
 * @param tokenName the owner's name for that token
 * @param address the client address (behind {@code --trusted-proxies}: the client, not the proxy)
 * @param method the HTTP method and path, for changes made over HTTP
 * @param name the bundle or PyPI project (normalised), or the user a token or user change is about
 * @param version the version, or the PyPI file name
 * @param sha256 the digest of what was published, yanked or deleted
 * @param detail what else helps: {@code unchanged} for an identical re-publish, a token's scopes, the users a reload changed
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"time", "action", "outcome", "status", "code", "user", "token_id", "token_name", "address",
        "method", "path", "name", "version", "sha256", "detail"})
public record AuditEvent(
        @JsonProperty("time") Instant time,
        @JsonProperty("action") String action,
        @JsonProperty("outcome") String outcome,
        @JsonProperty("status") Integer status,
        @JsonProperty("code") String code,
        @JsonProperty("user") String user,
        @JsonProperty("token_id") String tokenId,
        @JsonProperty("token_name") String tokenName,
        @JsonProperty("address") String address,
        @JsonProperty("method") String method,
        @JsonProperty("path") String path,
        @JsonProperty("name") String name,
        @JsonProperty("version") String version,
        @JsonProperty("sha256") String sha256,
        @JsonProperty("detail") String detail) {

    public static final String OK = "ok";
    public static final String REFUSED = "refused";
    public static final String FAILED = "failed";

    public AuditEvent {
        Objects.requireNonNull(time, "time");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(outcome, "outcome");
    }

    /** A change the server made by itself (a reload it noticed, the first-start admin). */
    public static AuditEvent ofServer(String action, String name, String detail) {
        return new AuditEvent(Instant.now(), action, OK, null, null, null, null, null, null, null, null, name, null,
                null, detail);
    }
}
