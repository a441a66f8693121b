package io.pkgr.bundle;

import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;

/**
 * Which tar entries a bundle may hold, decided from each header before its content is read: at
 * most {@link Limits#maxEntries()}, regular files only, canonical relative paths, each name once
 * and never both a file and a parent directory, declared sizes within what is left of
 * {@link Limits#maxExpandedBytes()}, and one {@code pkgr.json} within its own limit.
 */
final class EntryPolicy {

    private final Limits limits;
    private final Set<String> names = new HashSet<>();
    private final Set<String> parents = new HashSet<>();
    private int entries;

    EntryPolicy(Limits limits) {
        this.limits = limits;
    }

    /** Throws the {@link BundleException} that refuses {@code entry}, given {@code expanded} bytes so far. */
    void admit(TarArchiveEntry entry, long expanded) {
        if (++entries > limits.maxEntries()) {
            throw new BundleException(BundleException.Code.TOO_MANY_ENTRIES,
                    "bundle has more than " + limits.maxEntries() + " entries");
        }
        String name = entry.getName();
        checkKind(entry, name);
        checkUnique(name);
        long declared = entry.getSize();
        if (declared > limits.maxExpandedBytes() - expanded) {
            throw ExpansionLimit.tooLarge(limits);
        }
        if (name.equals(Manifest.JSON_FILE) && declared > limits.maxManifestBytes()) {
            throw new BundleException(BundleException.Code.TOO_LARGE,
                    "pkgr.json is larger than " + limits.maxManifestBytes() + " bytes");
        }
        if (!name.equals(Manifest.JSON_FILE)) {
            BundlePaths.checkPayloadPath(name);
        }
    }

    /** Entries admitted so far. */
    int entries() {
        return entries;
    }

    private static void checkKind(TarArchiveEntry entry, String name) {
        if (entry.isDirectory()) {
            // pkgr never writes them, and an empty one would be content pkgr.json does not list
            throw new BundleException(BundleException.Code.UNSUPPORTED_ENTRY, "entry '" + Text.printable(name)
                    + "' is a directory; bundles hold regular files only (directories follow from their paths)");
        }
        BundlePaths.checkSafe(name);
        if (entry.isSymbolicLink() || entry.isLink()) {
            throw link(entry);
        }
        if (entry.isCharacterDevice() || entry.isBlockDevice() || entry.isFIFO()) {
            throw new BundleException(BundleException.Code.UNSUPPORTED_ENTRY,
                    "entry '" + Text.printable(name) + "' is a device or FIFO; bundles hold regular files only");
        }
        if (!entry.isFile()) {
            throw new BundleException(BundleException.Code.UNSUPPORTED_ENTRY,
                    "entry '" + Text.printable(name) + "' is not a regular file");
        }
    }

    /** A name seen before, a file where a directory was implied, or a directory where a file was. */
    private void checkUnique(String name) {
        if (names.contains(name) || parents.contains(name)) {
            throw duplicate(name);
        }
        for (int slash = name.indexOf('/'); slash > 0; slash = name.indexOf('/', slash + 1)) {
            if (names.contains(name.substring(0, slash))) {
                throw duplicate(name);
            }
            parents.add(name.substring(0, slash));
        }
        names.add(name);
    }

    private static BundleException duplicate(String name) {
        return new BundleException(BundleException.Code.DUPLICATE_ENTRY,
                "entry '" + Text.printable(name) + "' appears more than once or conflicts with another entry");
    }

    private static BundleException link(TarArchiveEntry entry) {
        String kind = entry.isSymbolicLink() ? "symlink" : "hard link";
        String target = entry.getLinkName();
        Path base = Path.of("/bundle").resolve(entry.getName()).getParent();
        Path resolved = entry.isSymbolicLink() ? base.resolve(target).normalize() : Path.of("/bundle").resolve(target).normalize();
        boolean leaves = target.startsWith("/") || target.contains("\\") || !resolved.startsWith("/bundle");
        return new BundleException(BundleException.Code.UNSAFE_LINK, leaves
                ? kind + " '" + Text.printable(entry.getName()) + "' points outside the bundle ('"
                + Text.printable(target) + "')"
                : kind + " '" + Text.printable(entry.getName()) + "' → '" + Text.printable(target)
                + "': bundles hold regular files only, no links");
    }
}
