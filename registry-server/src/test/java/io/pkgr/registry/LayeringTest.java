package io.pkgr.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The domain sits below the transport: catalogs and storage never import the HTTP layer (or
 * Undertow), and one face never borrows from another; what the faces share lives in {@code http/}.
 */
class LayeringTest {

    private static final Path SOURCES = Path.of("src/main/java/io/pkgr/registry");

    @Test
    void catalogAndStorageDoNotImportTheHttpLayer() {
        assertEquals(List.of(), imports(List.of("catalog", "storage", "admin"),
                List.of("io.pkgr.registry.http.", "io.pkgr.registry.api.", "io.pkgr.registry.pypi.", "io.undertow.")));
    }

    @Test
    void theNativeFaceDoesNotImportThePypiFace() {
        assertEquals(List.of(), imports(List.of("api"), List.of("io.pkgr.registry.pypi.")));
    }

    @Test
    void thePypiFaceDoesNotImportTheNativeFace() {
        assertEquals(List.of(), imports(List.of("pypi"), List.of("io.pkgr.registry.api.")));
    }

    /** Lines {@code import PREFIX…} in the sources of {@code packages}, as "File.java: line". */
    private static List<String> imports(List<String> packages, List<String> forbidden) {
        return packages.stream().flatMap(p -> javaFiles(SOURCES.resolve(p))).flatMap(file -> lines(file)
                .filter(line -> line.startsWith("import "))
                .filter(line -> forbidden.stream().anyMatch(prefix -> line.startsWith("import " + prefix)))
                .map(line -> file.getFileName() + ": " + line)).toList();
    }

    private static Stream<Path> javaFiles(Path dir) {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(f -> f.toString().endsWith(".java")).sorted().toList().stream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Stream<String> lines(Path file) {
        try {
            return Files.readAllLines(file).stream();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
