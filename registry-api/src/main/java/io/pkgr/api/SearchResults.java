package io.pkgr.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.pkgr.bundle.BundleName;
import io.pkgr.bundle.Version;
import java.util.List;
import java.util.Objects;

/**
 * {@code GET /api/v1/search?q=QUERY}: the bundles whose name or description contains the query, by
 * name, and the Maven artifacts whose {@code GROUP:ARTIFACT} contains it (the key {@code maven},
 * left out when there are none, so a client older than it still reads a search without them).
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonPropertyOrder({"maven", "query", "results"})
public record SearchResults(
        @JsonProperty("query") String query,
        @JsonProperty("results") List<Hit> results,
        @JsonProperty("maven") @JsonInclude(JsonInclude.Include.NON_EMPTY) List<MavenHit> maven) {

    public SearchResults {
        Objects.requireNonNull(query, "query");
        results = List.copyOf(results);
        maven = maven == null ? List.of() : List.copyOf(maven);
    }

    /** Bundles only. */
    public SearchResults(String query, List<Hit> results) {
        this(query, results, List.of());
    }

    /** One bundle found: its name as published, its latest version and its description ("" when none). */
    @JsonPropertyOrder({"description", "latest", "name"})
    public record Hit(
            @JsonProperty("name") BundleName name,
            @JsonProperty("latest") Version latest,
            @JsonProperty("description") String description) {

        public Hit {
            Objects.requireNonNull(name, "name");
            description = description == null ? "" : description;
        }
    }

    /** One Maven artifact found in the registry's {@code /maven/} repository: what a pom names it by. */
    @JsonPropertyOrder({"artifactId", "groupId"})
    public record MavenHit(
            @JsonProperty("groupId") String groupId,
            @JsonProperty("artifactId") String artifactId) {

        public MavenHit {
            if (groupId == null || groupId.isBlank() || artifactId == null || artifactId.isBlank()
                    || groupId.contains(":") || artifactId.contains(":")) {
                throw new IllegalArgumentException("a Maven artifact needs a groupId and an artifactId without ':'");
            }
        }

        /** Parses {@code GROUP:ARTIFACT}. */
        public static MavenHit of(String coordinates) {
            int colon = coordinates.indexOf(':');
            if (colon < 0) {
                throw new IllegalArgumentException("not GROUP:ARTIFACT: " + coordinates);
            }
            return new MavenHit(coordinates.substring(0, colon), coordinates.substring(colon + 1));
        }

        /** {@code GROUP:ARTIFACT}. */
        public String coordinates() {
            return groupId + ":" + artifactId;
        }
    }
}
