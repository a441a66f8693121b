package io.pkgr.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.pkgr.bundle.BundleName;
import io.pkgr.bundle.Sha256;
import io.pkgr.bundle.Version;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code GET /api/v1/bundles/NAME}: every version of a bundle, oldest first. {@code latest} is the
 * highest non-yanked release, else the highest non-yanked pre-release, else null (sent as
 * {@code "latest": null}).
 */
@JsonPropertyOrder({"latest", "name", "versions"})
public record VersionList(
        @JsonProperty("name") BundleName name,
        @JsonProperty("latest") Version latest,
        @JsonProperty("versions") List<Item> versions) {

    public VersionList {
        Objects.requireNonNull(name, "name");
        versions = List.copyOf(versions);
    }

    /** The line of {@code version}, if listed. */
    public Optional<Item> find(Version version) {
        return versions.stream().filter(item -> item.version().equals(version)).findFirst();
    }

    /** One version in the list: what a lock needs without fetching the record. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonPropertyOrder({"published", "sha256", "size", "version", "yank_reason", "yanked"})
    public record Item(
            @JsonProperty("version") Version version,
            @JsonProperty("sha256") Sha256 sha256,
            @JsonProperty("size") long size,
            @JsonProperty("published") Instant published,
            @JsonProperty("yanked") boolean yanked,
            @JsonProperty("yank_reason") String yankReason) {

        public Item {
            Objects.requireNonNull(version, "version");
            Objects.requireNonNull(sha256, "sha256");
        }
    }
}
