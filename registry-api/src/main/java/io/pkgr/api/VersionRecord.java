package io.pkgr.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.fasterxml.jackson.databind.JsonNode;
import io.pkgr.bundle.BundleName;
import io.pkgr.bundle.Sha256;
import io.pkgr.bundle.Version;
import java.time.Instant;
import java.util.Objects;

/**
 * One published version, as stored at {@code bundles/NAME/VERSION.json} and served by
 * {@code GET /api/v1/bundles/NAME/VERSION}. Only the yank fields ever change. {@code manifest} is
 * the bundle's canonical manifest JSON, kept as a tree so its bytes never change.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"name", "version", "sha256", "size", "manifest", "publisher", "published", "yanked", "yank_reason"})
public record VersionRecord(
        @JsonProperty("name") BundleName name,
        @JsonProperty("version") Version version,
        @JsonProperty("sha256") Sha256 sha256,
        @JsonProperty("size") long size,
        @JsonProperty("manifest") JsonNode manifest,
        @JsonProperty("publisher") String publisher,
        @JsonProperty("published") Instant published,
        @JsonProperty("yanked") boolean yanked,
        @JsonProperty("yank_reason") String yankReason) {

    public VersionRecord {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(sha256, "sha256");
        if (size < 0) {
            throw new IllegalArgumentException("negative size " + size);
        }
    }

    /** This record yanked with {@code reason} (or unyanked, which drops the reason). */
    public VersionRecord withYank(boolean yank, String reason) {
        return new VersionRecord(name, version, sha256, size, manifest, publisher, published, yank, yank ? reason : null);
    }

    /** The manifest's description, or empty. */
    public String description() {
        return manifest != null && manifest.hasNonNull("description") ? manifest.get("description").asText() : "";
    }

    /** This version's line in a {@link VersionList}. */
    public VersionList.Item summary() {
        return new VersionList.Item(version, sha256, size, published, yanked, yankReason);
    }
}
