package io.pkgr.registry.pypi;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import io.pkgr.bundle.BundleName;
import io.pkgr.bundle.Sha256;
import io.pkgr.bundle.pep440.Pep440Version;
import java.util.Collections;

/**
 * One uploaded distribution file, as stored at {@code pypi/NAME/FILENAME.json}. The bytes live in
 * {@code blobs/} under {@code sha256}; the core metadata extracted from a wheel, when there is
 * one, under {@code metadata_sha256}. Only the yank fields ever change.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
record PypiFileRecord(
        @JsonProperty("name") String name,
        @JsonProperty("version") String version,
        @JsonProperty("filename") String filename,
        @JsonProperty("filetype") String filetype,
        @JsonProperty("sha256") String sha256,
        @JsonProperty("md5") String md5,
        @JsonProperty("blake2_256") String blake2b256,
        @JsonProperty("size") long size,
        @JsonProperty("requires_python") String requiresPython,
        @JsonProperty("metadata_sha256") String metadataSha256,
        @JsonProperty("metadata_size") long metadataSize,
        @JsonProperty("uploader") String uploader,
        @JsonProperty("uploaded") String uploaded,
        @JsonProperty("yanked") boolean yanked,
        @JsonProperty("yank_reason") String yankReason) {

    String project() {
        return BundleName.normalize(name);
    }

    Pep440Version parsedVersion() {
        return Pep440Version.parse(version);
    }

    Sha256 digest() {
        return Sha256.parse(sha256);
    }

    /**
     * Whether pip could take {@code other} for this file, so that storing both would let one replace
     * the other: the same version (PEP 440, {@code 1.0} = {@code 1.0.0}) and either both sdists
     * (one per release, as on PyPI) or both wheels with a compatibility tag in common. A wheel's
     * build tag does not make it another file: pip prefers the higher build, so it would replace it.
     */
    boolean sameDistributionAs(PypiFileRecord other) {
        if (!filetype.equals(other.filetype) || parsedVersion().compareTo(other.parsedVersion()) != 0) {
            return false;
        }
        return !filetype.equals(DistributionFilename.Kind.WHEEL.filetype)
                || !Collections.disjoint(DistributionFilename.wheelTags(filename), DistributionFilename.wheelTags(other.filename));
    }

    boolean hasMetadata() {
        return metadataSha256 != null;
    }

    PypiFileRecord withYank(boolean yank, String reason) {
        return new PypiFileRecord(name, version, filename, filetype, sha256, md5, blake2b256, size, requiresPython,
                metadataSha256, metadataSize, uploader, uploaded, yank, yank ? reason : null);
    }
}
