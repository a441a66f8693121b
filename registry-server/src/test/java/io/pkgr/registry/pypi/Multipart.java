package io.pkgr.registry.pypi;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** A multipart/form-data body as twine builds it: text fields, then the file as {@code content}. */
final class Multipart {

    static final String BOUNDARY = "pkgr-test-boundary-7d1f";

    private record Field(String name, String filename, byte[] value) {
    }

    private final List<Field> fields = new ArrayList<>();

    Multipart field(String name, String value) {
        fields.add(new Field(name, null, value.getBytes(StandardCharsets.UTF_8)));
        return this;
    }

    Multipart file(String name, String filename, byte[] content) {
        fields.add(new Field(name, filename, content));
        return this;
    }

    Multipart without(String name) {
        fields.removeIf(f -> f.name().equals(name));
        return this;
    }

    Multipart replace(String name, String value) {
        for (int i = 0; i < fields.size(); i++) {
            if (fields.get(i).name().equals(name)) {
                fields.set(i, new Field(name, null, value.getBytes(StandardCharsets.UTF_8)));
            }
        }
        return this;
    }

    String contentType() {
        return "multipart/form-data; boundary=" + BOUNDARY;
    }

    byte[] bytes() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (Field field : fields) {
            out.writeBytes(("--" + BOUNDARY + "\r\nContent-Disposition: form-data; name=\"" + field.name() + "\""
                    + (field.filename() == null ? "" : "; filename=\"" + field.filename() + "\"\r\n"
                    + "Content-Type: application/octet-stream") + "\r\n\r\n").getBytes(StandardCharsets.UTF_8));
            out.writeBytes(field.value());
            out.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
        }
        out.writeBytes(("--" + BOUNDARY + "--\r\n").getBytes(StandardCharsets.UTF_8));
        return out.toByteArray();
    }
}
