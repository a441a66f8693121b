package io.pkgr.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.pkgr.bundle.BundleName;
import io.pkgr.bundle.Version;
import java.util.List;
import java.util.Objects;

/** {@code GET /api/v1/search?q=QUERY}: the bundles whose name or description contains the query, by name. */
@JsonPropertyOrder({"query", "results"})
public record SearchResults(
        @JsonProperty("query") String query,
        @JsonProperty("results") List<Hit> results) {

    public SearchResults {
        Objects.requireNonNull(query, "query");
        results = List.copyOf(results);
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
}
