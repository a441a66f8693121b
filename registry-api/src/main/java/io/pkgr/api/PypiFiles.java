package io.pkgr.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.List;
import java.util.Objects;

/** {@code GET /api/v1/pypi/NAME} and the answer of a PyPI yank: a project (normalised) and files of it. */
@JsonPropertyOrder({"files", "name"})
public record PypiFiles(@JsonProperty("name") String name, @JsonProperty("files") List<PypiFile> files) {

    public PypiFiles {
        Objects.requireNonNull(name, "name");
        files = List.copyOf(files);
    }
}
