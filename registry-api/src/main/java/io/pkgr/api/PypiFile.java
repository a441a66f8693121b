package io.pkgr.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.pkgr.bundle.BundleName;
import io.pkgr.bundle.Sha256;
import java.time.Instant;
import java.util.Objects;

/**
 * One uploaded PyPI distribution file, as stored at {@code pypi/NAME/FILENAME.json} and served by
 * {@code /api/v1/pypi/NAME}. The bytes live in {@code blobs/} under {@code sha256}; the core
 * metadata extracted from a wheel, when there is one, under {@code metadata_sha256}. {@code version}
 * is the normalised PEP 440 version. Only the yank fields ever change.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
@JsonPropertyOrder({"name", "version", "filename", "filetype", "sha256", "md5", "blake2_256", "size", "requires_python",
        "metadata_sha256", "metadata_size", "uploader", "uploaded", "yanked", "yank_reason"})
public record PypiFile(
        @JsonProperty("name") BundleName name,
        @JsonProperty("version") String version,
        @JsonProperty("filename") String filename,
        @JsonProperty("filetype") String filetype,
        @JsonProperty("sha256") Sha256 sha256,
        @JsonProperty("md5") String md5,
        @JsonProperty("blake2_256") String blake2b256,
        @JsonProperty("size") long size,
        @JsonProperty("requires_python") String requiresPython,
        @JsonProperty("metadata_sha256") Sha256 metadataSha256,
        @JsonProperty("metadata_size") long metadataSize,
        @JsonProperty("uploader") String uploader,
        @JsonProperty("uploaded") Instant uploaded,
        @JsonProperty("yanked") boolean yanked,
        @JsonProperty("yank_reason") String yankReason) {

    public PypiFile {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(version, "version");
        Objects.requireNonNull(filename, "filename");
        Objects.requireNonNull(filetype, "filetype");
        Objects.requireNonNull(sha256, "sha256");
    }

    /** The PEP 503 normalised project name: the folder and URL segment of this file. */
    public String project() {
        return name.normalized();
    }

    public boolean hasMetadata() {
        return metadataSha256 != null;
    }

    /** This file yanked with {@code reason} (or unyanked, which drops the reason). */
    public PypiFile withYank(boolean yank, String reason) {
        return new PypiFile(name, version, filename, filetype, sha256, md5, blake2b256, size, requiresPython,
                metadataSha256, metadataSize, uploader, uploaded, yank, yank ? reason : null);
    }
}
