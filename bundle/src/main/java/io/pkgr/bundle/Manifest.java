package io.pkgr.bundle;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * What a bundle is: read from the {@code pkgr.yaml} a user writes, stored in the bundle as the
 * canonical {@code pkgr.json} together with the digest of every payload file.
 *
 * @param python      the Python version constraint (PEP 440), python runtime only, else null
 * @param requirements pinned Python requirements, vendored as wheels at build time
 * @param dependencies Maven coordinates, vendored as jars at build time (jvm runtime)
 * @param files       payload path (files/…, deps/…) → digest; empty until the bundle is built
 */
public record Manifest(BundleName name, Version version, String description, Runtime runtime, String python,
                       List<String> requirements, List<String> dependencies, List<String> include,
                       List<String> exclude, Map<String, Entrypoint> entrypoints,
                       SortedMap<String, FileEntry> files) {

    /** The bundle format this code writes and reads. */
    public static final int FORMAT = 1;
    public static final String YAML_FILE = "pkgr.yaml";
    public static final String JSON_FILE = "pkgr.json";

    public Manifest {
        description = description == null ? "" : description;
        requirements = List.copyOf(requirements);
        dependencies = List.copyOf(dependencies);
        include = List.copyOf(include);
        exclude = List.copyOf(exclude);
        entrypoints = Collections.unmodifiableMap(new LinkedHashMap<>(entrypoints));
        files = Collections.unmodifiableSortedMap(new TreeMap<>(files));
    }

    /** Reads and validates a {@code pkgr.yaml}; errors name the file, the line and the field. */
    public static Manifest readYaml(Path file) {
        return parseYaml(file.getFileName().toString(), read(file));
    }

    /** Validates {@code pkgr.yaml} content; {@code source} is the file name used in errors. */
    public static Manifest parseYaml(String source, byte[] content) {
        return ManifestParser.parse(source, content, false);
    }

    /** Validates a canonical {@code pkgr.json} as found in a bundle. */
    public static Manifest parseJson(byte[] content) {
        return ManifestParser.parse(JSON_FILE, content, true);
    }

    /** The canonical {@code pkgr.json}: sorted keys, no insignificant whitespace, UTF-8, trailing newline. */
    public byte[] toCanonicalJson() {
        return ManifestParser.canonicalJson(this);
    }

    /** The same manifest with the payload digests recorded. */
    public Manifest withFiles(SortedMap<String, FileEntry> payload) {
        return new Manifest(name, version, description, runtime, python, requirements, dependencies, include,
                exclude, entrypoints, payload);
    }

    /** The file name of the built bundle, {@code NAME-VERSION.pkgr}. */
    public String bundleFileName() {
        return name.value() + "-" + version + ".pkgr";
    }

    /** The entrypoint called {@code name}, or an error listing the ones there are. */
    public Entrypoint entrypoint(String entrypointName) {
        Entrypoint e = entrypoints.get(entrypointName);
        if (e == null) {
            throw new BundleException(BundleException.Code.INVALID_PARAM, "bundle " + name + " " + version
                    + " has no entrypoint '" + Text.printable(entrypointName) + "' (it has: "
                    + String.join(", ", entrypoints.keySet()) + ")");
        }
        return e;
    }

    private static byte[] read(Path file) {
        try {
            return Files.readAllBytes(file);
        } catch (java.nio.file.NoSuchFileException e) {
            throw new BundleException(BundleException.Code.INVALID_MANIFEST,
                    file.getFileName() + ": not found (run 'pkgr init' to create one)");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
