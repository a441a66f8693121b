package io.pkgr.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/** The wire records of {@code /api/v1/tokens}: make, list and revoke API tokens. */
public final class Tokens {

    private Tokens() {
    }

    /**
     * {@code POST /api/v1/tokens}: a new token named {@code name} with scopes such as
     * {@code churn-*:publish}, expiring at {@code expires} (null: never), for {@code user} (null:
     * the caller; another user only for a registry admin).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder({"expires", "name", "scopes", "user"})
    public record CreateRequest(
            @JsonProperty("name") String name,
            @JsonProperty("scopes") List<String> scopes,
            @JsonProperty("expires") Instant expires,
            @JsonProperty("user") String user) {

        public CreateRequest {
            scopes = scopes == null ? List.of() : List.copyOf(scopes);
        }
    }

    /** One token as listed: never its secret nor the hash of it. */
    @JsonPropertyOrder({"created", "expires", "id", "last_used", "name", "scopes", "user"})
    public record Info(
            @JsonProperty("id") String id,
            @JsonProperty("user") String user,
            @JsonProperty("name") String name,
            @JsonProperty("scopes") List<String> scopes,
            @JsonProperty("created") Instant created,
            @JsonProperty("expires") Instant expires,
            @JsonProperty("last_used") Instant lastUsed) {

        public Info {
            Objects.requireNonNull(id, "id");
            scopes = List.copyOf(scopes);
        }
    }

    /** The answer to a create: the token's text, shown this once, and its listing. */
    @JsonPropertyOrder({"info", "token"})
    public record Created(@JsonProperty("token") String token, @JsonProperty("info") Info info) {
        @Override
        public String toString() {
            return "Created[" + info + "]";
        }
    }

    /** {@code GET /api/v1/tokens}: the caller's tokens (a registry admin's: everyone's, or {@code ?user=}). */
    public record Listing(@JsonProperty("tokens") List<Info> tokens) {
        public Listing {
            tokens = List.copyOf(tokens);
        }
    }
}
