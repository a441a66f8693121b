package io.pkgr.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
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
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonPropertyOrder({"name", "version", "sha256", "size", "manifest", "layers", "publisher", "published", "yanked",
        "yank_reason", "signature"})
public record VersionRecord(
        @JsonProperty("name") BundleName name,
        @JsonProperty("version") Version version,
        @JsonProperty("sha256") Sha256 sha256,
        @JsonProperty("size") long size,
        @JsonProperty("manifest") JsonNode manifest,
        @JsonProperty("layers") Layers layers,
        @JsonProperty("publisher") String publisher,
        @JsonProperty("published") Instant published,
        @JsonProperty("yanked") boolean yanked,
        @JsonProperty("yank_reason") String yankReason,
        @JsonProperty("signature") BundleSignature signature) {

    public VersionRecord {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(sha256, "sha256");
        if (size < 0) {
            throw new IllegalArgumentException("negative size " + size);
        }
    }

    /** A record without layers: the bundle is stored as the one blob {@code sha256} (as before layers existed). */
    public VersionRecord(BundleName name, Version version, Sha256 sha256, long size, JsonNode manifest, String publisher,
            Instant published, boolean yanked, String yankReason) {
        this(name, version, sha256, size, manifest, null, publisher, published, yanked, yankReason, null);
    }

    /** An unsigned record with {@code layers} (see {@link Layers}). */
    public VersionRecord(BundleName name, Version version, Sha256 sha256, long size, JsonNode manifest, Layers layers,
            String publisher, Instant published, boolean yanked, String yankReason) {
        this(name, version, sha256, size, manifest, layers, publisher, published, yanked, yankReason, null);
    }

    /** This record with the publisher's signature (see {@link BundleSignature}). */
    public VersionRecord withSignature(BundleSignature signature) {
        return new VersionRecord(name, version, sha256, size, manifest, layers, publisher, published, yanked, yankReason,
                signature);
    }

    /**
     * How the registry stores a version's bytes. Absent on records written before layers: then the
     * bundle is the one blob {@code sha256}. Present: every {@code deps/} payload file the manifest
     * lists is a blob named by its sha256, the project's files are the blob {@code files} (the
     * uncompressed tar of the {@code files/} entries; absent when there are none), and
     * {@code bundle_stored} says whether the {@code .pkgr} file is kept whole as well (it is when
     * re-assembly from the layers did not give its bytes back exactly).
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    @JsonIgnoreProperties(ignoreUnknown = true)
    @JsonPropertyOrder({"files", "bundle_stored"})
    public record Layers(@JsonProperty("files") Blob files, @JsonProperty("bundle_stored") boolean bundleStored) {
    }

    /** A blob by digest and size. */
    @JsonPropertyOrder({"sha256", "size"})
    public record Blob(@JsonProperty("sha256") Sha256 sha256, @JsonProperty("size") long size) {
        public Blob {
            Objects.requireNonNull(sha256, "sha256");
        }
    }

    /**
     * This record as {@code GET /api/v1/bundles/NAME/VERSION} serves it: without {@code layers},
     * which clients older than layers refuse as an unknown field; {@code GET …/layers} serves them.
     */
    public VersionRecord withoutLayers() {
        return layers == null ? this
                : new VersionRecord(name, version, sha256, size, manifest, null, publisher, published, yanked, yankReason, signature);
    }

    /** True when the whole {@code .pkgr} file is stored as the blob {@link #sha256()}. */
    public boolean bundleStored() {
        return layers == null || layers.bundleStored();
    }

    /**
     * Every blob this version keeps alive: the whole bundle when it is stored, and with layers
     * each {@code deps/} payload's sha256 (from the manifest) and the files layer. Garbage
     * collection counts these over every version record; a blob no record names is unreferenced.
     */
    public java.util.Set<Sha256> blobReferences() {
        java.util.Set<Sha256> refs = new java.util.LinkedHashSet<>();
        if (bundleStored()) {
            refs.add(sha256);
        }
        if (layers != null) {
            if (layers.files() != null) {
                refs.add(layers.files().sha256());
            }
            layerBlobs().forEach((path, blob) -> refs.add(blob.sha256()));
        }
        return refs;
    }

    /** The {@code deps/} payload files stored as blobs of their own (path → blob), from the manifest; empty without layers. */
    public java.util.SortedMap<String, Blob> layerBlobs() {
        java.util.SortedMap<String, Blob> blobs = new java.util.TreeMap<>();
        if (layers == null || manifest == null || !manifest.has("files")) {
            return blobs;
        }
        manifest.get("files").fields().forEachRemaining(e -> {
            if (e.getKey().startsWith("deps/")) {
                blobs.put(e.getKey(), new Blob(Sha256.parse(e.getValue().path("sha256").asText()),
                        e.getValue().path("size").asLong()));
            }
        });
        return blobs;
    }

    /** True when {@code digest} is one of this version's blobs (the whole bundle or a layer). */
    public boolean references(Sha256 digest) {
        return blobReferences().contains(digest);
    }

    /** This record yanked with {@code reason} (or unyanked, which drops the reason). */
    public VersionRecord withYank(boolean yank, String reason) {
        return new VersionRecord(name, version, sha256, size, manifest, layers, publisher, published, yank, yank ? reason : null,
                signature);
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
