package io.pkgr.bundle;

import java.util.List;

/**
 * A typed entrypoint parameter. {@code defaultValue} is already checked and normalised (null
 * when there is none); {@code choices} is non-empty exactly for {@link ParamType#ENUM}.
 */
public record Param(ParamType type, boolean required, String defaultValue, List<String> choices,
                    String description) {

    public Param {
        choices = List.copyOf(choices);
        description = description == null ? "" : description;
    }

    /** Checks and normalises a value given for this parameter. */
    public String check(String raw) {
        return type.check(raw, choices);
    }
}
