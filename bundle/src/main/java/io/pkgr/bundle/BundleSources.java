package io.pkgr.bundle;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Selects the project files that go into a bundle under {@code files/}: those matching an
 * {@code include} pattern and no {@code exclude} pattern, minus what never belongs in a bundle
 * (VCS metadata, build output, byte code, virtualenvs).
 */
public final class BundleSources {

    /** Always left out, whatever the manifest says. */
    public static final List<String> ALWAYS_EXCLUDED = List.of(
            ".git/**", ".hg/**", ".svn/**", "dist/**", "**/__pycache__/**", "**/*.pyc", ".venv/**", "venv/**",
            "**/.DS_Store", "**/*.pkgr", "**/.pytest_cache/**");

    private BundleSources() {
    }

    /**
     * Walks {@code projectRoot} and returns archive path ({@code files/…}) → file, sorted.
     * Symlinks are followed only when they resolve to a regular file inside the project.
     *
     * @throws BundleException INVALID_MANIFEST when an include pattern matches nothing, UNSAFE_LINK
     *                         for a symlink that leaves the project
     */
    public static SortedMap<String, Path> select(Path projectRoot, Manifest manifest) {
        Path root = projectRoot.toAbsolutePath().normalize();
        List<Glob> includes = manifest.include().stream().map(Glob::compile).toList();
        List<Glob> excludes = new ArrayList<>();
        manifest.exclude().forEach(p -> excludes.add(Glob.compile(p)));
        ALWAYS_EXCLUDED.forEach(p -> excludes.add(Glob.compile(p)));
        boolean[] used = new boolean[includes.size()];
        boolean[] excludedOnly = new boolean[includes.size()];
        TreeMap<String, Path> selected = new TreeMap<>();
        Path realRoot;
        try {
            realRoot = root.toRealPath();
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                    String rel = relative(root, dir);
                    if (!rel.isEmpty() && excludes.stream().anyMatch(g -> g.matches(rel + "/") || g.matches(rel + "/x"))) {
                        return FileVisitResult.SKIP_SUBTREE;
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    String rel = relative(root, file);
                    if (excludes.stream().anyMatch(g -> g.matches(rel))) {
                        for (int i = 0; i < includes.size(); i++) {
                            excludedOnly[i] |= includes.get(i).matches(rel);
                        }
                        return FileVisitResult.CONTINUE;
                    }
                    boolean included = false;
                    for (int i = 0; i < includes.size(); i++) {
                        if (includes.get(i).matches(rel)) {
                            used[i] = true;
                            included = true;
                        }
                    }
                    if (!included) {
                        return FileVisitResult.CONTINUE;
                    }
                    if (attrs.isSymbolicLink()) {
                        Path target = file.toRealPath();
                        if (!target.startsWith(realRoot) || !Files.isRegularFile(target)) {
                            throw new BundleException(BundleException.Code.UNSAFE_LINK, rel
                                    + " is a symlink that leaves the project or is not a file; copy the file in or exclude it");
                        }
                    } else if (!attrs.isRegularFile()) {
                        return FileVisitResult.CONTINUE;
                    }
                    selected.put(BundlePaths.FILES + rel, file);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new BundleException(BundleException.Code.IO, "cannot read project " + root + ": " + e.getMessage(), e);
        }
        for (int i = 0; i < used.length; i++) {
            if (!used[i]) {
                throw new BundleException(BundleException.Code.INVALID_MANIFEST, Manifest.YAML_FILE + ": include["
                        + i + "]: '" + manifest.include().get(i) + "' matches no files"
                        + (excludedOnly[i] ? " (only excluded ones: see exclude and the always-excluded "
                        + String.join(", ", ALWAYS_EXCLUDED) + ")" : ""));
            }
        }
        return selected;
    }

    private static String relative(Path root, Path p) {
        String rel = root.relativize(p).toString();
        return java.io.File.separatorChar == '/' ? rel : rel.replace(java.io.File.separatorChar, '/');
    }

    static boolean isSymlink(Path p) {
        return Files.isSymbolicLink(p) && !Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS);
    }
}
