package io.pkgr.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * The body of a layered publish ({@code PUT /api/v1/bundles/NAME/VERSION} with
 * {@link #CONTENT_TYPE}): the bundle's canonical manifest and its files layer, whose blobs (and
 * every {@code deps/} blob the manifest lists) the registry already holds. The request declares
 * the {@code .pkgr} file's sha256 ({@code X-Checksum-Sha256}); the registry re-assembles the file
 * from the blobs and publishes only if it has exactly that digest.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LayeredPublish(@JsonProperty("manifest") JsonNode manifest,
        @JsonProperty("files") VersionRecord.Blob files) {

    public static final String CONTENT_TYPE = "application/vnd.pkgr.layers+json";
}
