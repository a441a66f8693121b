package io.pkgr.api;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import io.pkgr.bundle.BundleName;
import io.pkgr.bundle.Version;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * A lock file registered with the registry ({@code POST /api/v1/pins} with the {@code pkgr.lock}
 * as its body): retention never removes a version it pins. {@code id} is the sha256 of the lock's
 * bytes, so registering the same lock twice is one pin; {@code DELETE /api/v1/pins/ID} removes it.
 */
@JsonIgnoreProperties(ignoreUnknown = true)
@JsonPropertyOrder({"id", "pins", "registered_by", "registered"})
public record PinRecord(@JsonProperty("id") String id, @JsonProperty("pins") List<Pinned> pins,
        @JsonProperty("registered_by") String registeredBy, @JsonProperty("registered") Instant registered) {

    public PinRecord {
        Objects.requireNonNull(id, "id");
        pins = pins == null ? List.of() : List.copyOf(pins);
    }

    /** One version a lock pins. */
    @JsonPropertyOrder({"name", "version"})
    public record Pinned(@JsonProperty("name") BundleName name, @JsonProperty("version") Version version) {
        public Pinned {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(version, "version");
        }
    }
}
