package io.pkgr.cli.e2e;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Stream;

/**
 * A copy of this checkout's {@code ./pkgr} launcher beside a ready {@code packager-cli/target/pkgr/lib}
 * made from the test's own classpath, with the build stamp present. The copy has no sources or
 * {@code mvnw}, so the launcher finds nothing newer than its stamp and never starts a Maven build
 * inside a test; were it to try, it would fail at once instead.
 */
final class LauncherCheckout {

    /** The checkout's launcher script (tests run with the module directory as working directory). */
    static final Path SCRIPT = Path.of("").toAbsolutePath().getParent().resolve("pkgr");

    final Path root;

    private LauncherCheckout(Path root) {
        this.root = root;
    }

    static LauncherCheckout create(Path root) throws IOException {
        Path script = Files.copy(SCRIPT, root.resolve("pkgr"));
        Files.setPosixFilePermissions(script, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path lib = Files.createDirectories(root.resolve("packager-cli/target/pkgr/lib"));
        // The launcher puts lib/*.jar on the classpath: class directories become jars, and one
        // manifest-only jar points at the jars of this test's classpath (no copies, no links).
        List<String> jars = new ArrayList<>();
        List<String> classpath = List.of(System.getProperty("java.class.path").split(File.pathSeparator));
        for (int i = 0; i < classpath.size(); i++) {
            Path entry = Path.of(classpath.get(i)).toAbsolutePath();
            if (Files.isDirectory(entry)) {
                jar(entry, lib.resolve(i + "-" + entry.getFileName() + ".jar"));
            } else if (Files.isRegularFile(entry)) {
                jars.add(entry.toUri().toString());
            }
        }
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.CLASS_PATH, String.join(" ", jars));
        try (OutputStream out = Files.newOutputStream(lib.resolve("classpath.jar"))) {
            new JarOutputStream(out, manifest).close();
        }
        Files.createFile(lib.resolve(".built"));
        return new LauncherCheckout(root);
    }

    Path script() {
        return root.resolve("pkgr");
    }

    /** The environment the launcher needs: this JVM's Java, the system PATH and a HOME of its own. */
    static Map<String, String> environment(Path home) {
        return new HashMap<>(Map.of(
                "PATH", System.getenv("PATH"),
                "HOME", home.toString(),
                "JAVA_HOME", System.getProperty("java.home"),
                "LANG", "C.UTF-8"));
    }

    private static void jar(Path dir, Path jar) throws IOException {
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream zip = new JarOutputStream(out);
             Stream<Path> files = Files.walk(dir)) {
            for (Path f : files.filter(Files::isRegularFile).sorted().toList()) {
                zip.putNextEntry(new JarEntry(dir.relativize(f).toString().replace(File.separatorChar, '/')));
                Files.copy(f, zip);
                zip.closeEntry();
            }
        }
    }
}
