package io.pkgr.registry.catalog;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import io.pkgr.bundle.BundleName;
import io.pkgr.bundle.Sha256;
import io.pkgr.bundle.Version;

/**
 * One published version, as stored at {@code bundles/NAME/VERSION.json} and served by
 * {@code GET /api/v1/bundles/NAME/VERSION}. Only the yank fields ever change.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record VersionRecord(
        @JsonProperty("name") String name,
        @JsonProperty("version") String version,
        @JsonProperty("sha256") String sha256,
        @JsonProperty("size") long size,
        @JsonProperty("manifest") JsonNode manifest,
        @JsonProperty("publisher") String publisher,
        @JsonProperty("published") String published,
        @JsonProperty("yanked") boolean yanked,
        @JsonProperty("yank_reason") String yankReason) {

    public BundleName bundleName() {
        return BundleName.parse(name);
    }

    public Version parsedVersion() {
        return Version.parse(version);
    }

    public Sha256 digest() {
        return Sha256.parse(sha256);
    }

    VersionRecord withYank(boolean yanked, String reason) {
        return new VersionRecord(name, version, sha256, size, manifest, publisher, published, yanked, yanked ? reason : null);
    }
}
