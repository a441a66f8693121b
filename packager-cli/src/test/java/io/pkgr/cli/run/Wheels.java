package io.pkgr.cli.run;

import io.pkgr.bundle.Sha256;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/** Wheels written directly at test time (there is no PyPI here): the files, METADATA, WHEEL and RECORD. */
final class Wheels {

    private Wheels() {
    }

    /** Writes {@code name-version-py3-none-any.whl} into {@code wheels} and returns it. */
    static Path write(Path wheels, String name, String version, List<String> requires, Map<String, byte[]> content)
            throws IOException {
        Files.createDirectories(wheels);
        Map<String, byte[]> files = new LinkedHashMap<>(content);
        String info = name + "-" + version + ".dist-info/";
        StringBuilder metadata = new StringBuilder("Metadata-Version: 2.1\nName: " + name + "\nVersion: " + version + "\n");
        requires.forEach(r -> metadata.append("Requires-Dist: ").append(r).append('\n'));
        files.put(info + "METADATA", metadata.toString().getBytes(StandardCharsets.UTF_8));
        files.put(info + "WHEEL", "Wheel-Version: 1.0\nGenerator: pkgr-test\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
                .getBytes(StandardCharsets.UTF_8));
        StringBuilder record = new StringBuilder();
        files.forEach((path, bytes) -> record.append(path).append(",sha256=").append(Base64.getUrlEncoder().withoutPadding()
                .encodeToString(Sha256.ofBytes(bytes).bytes())).append(',').append(bytes.length).append('\n'));
        record.append(info).append("RECORD,,\n");
        files.put(info + "RECORD", record.toString().getBytes(StandardCharsets.UTF_8));
        Path wheel = wheels.resolve(name + "-" + version + "-py3-none-any.whl");
        try (OutputStream out = Files.newOutputStream(wheel); ZipOutputStream zip = new ZipOutputStream(out)) {
            for (Map.Entry<String, byte[]> f : files.entrySet()) {
                zip.putNextEntry(new ZipEntry(f.getKey()));
                zip.write(f.getValue());
                zip.closeEntry();
            }
        }
        return wheel;
    }
}
