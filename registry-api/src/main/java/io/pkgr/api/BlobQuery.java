package io.pkgr.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.pkgr.bundle.Sha256;
import java.util.List;

/**
 * {@code POST /api/v1/uploads/NAME/missing}: the digests a publisher is about to reference
 * ({@code digests}), answered with those it must upload ({@code missing}). A blob counts as held
 * only when a version of NAME already references it, so the answer says nothing about other
 * bundles' blobs.
 */
public record BlobQuery(@JsonProperty("digests") List<Sha256> digests, @JsonProperty("missing") List<Sha256> missing) {

    /** The most digests one query may carry. */
    public static final int MAX_DIGESTS = 10_000;

    public BlobQuery {
        digests = digests == null ? List.of() : List.copyOf(digests);
        missing = missing == null ? null : List.copyOf(missing);
    }

    public static BlobQuery ask(List<Sha256> digests) {
        return new BlobQuery(digests, null);
    }
}
