package io.pkgr.api;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import java.util.Objects;
import java.util.Optional;

/** Every error answer of the registry: {@code {"error": {"code": "...", "message": "..."}}}. */
public record ErrorBody(@JsonProperty("error") Detail error) {

    public ErrorBody {
        Objects.requireNonNull(error, "error");
    }

    public static ErrorBody of(ErrorCode code, String message) {
        return new ErrorBody(new Detail(code.name(), message));
    }

    /** The code when this side knows it; empty for a code added by a newer server. */
    public Optional<ErrorCode> code() {
        return ErrorCode.find(error.code());
    }

    public String message() {
        return error.message();
    }

    /**
     * The code travels as text so that a client reads an error body whose code it does not know
     * yet; {@link ErrorBody#code()} types it.
     */
    @JsonPropertyOrder({"code", "message"})
    public record Detail(@JsonProperty("code") String code, @JsonProperty("message") String message) {

        public Detail {
            Objects.requireNonNull(code, "code");
            message = message == null ? "" : message;
        }
    }
}
