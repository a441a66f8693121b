package io.pkgr.bundle;

import java.util.Map;

/**
 * Holds what the archive contained against what its {@code pkgr.json} lists: every listed file
 * present with the recorded digest and size, and nothing unlisted.
 */
final class ManifestReconciler {

    private ManifestReconciler() {
    }

    /** Throws the {@link BundleException} naming the first file that does not match. */
    static void reconcile(Manifest manifest, Map<String, FileEntry> actual) {
        for (var listed : manifest.files().entrySet()) {
            FileEntry found = actual.get(listed.getKey());
            if (found == null) {
                throw new BundleException(BundleException.Code.MISSING_FILE,
                        "pkgr.json lists " + listed.getKey() + " but the bundle does not contain it");
            }
            if (!found.sha256().equals(listed.getValue().sha256()) || found.size() != listed.getValue().size()) {
                throw new BundleException(BundleException.Code.DIGEST_MISMATCH, listed.getKey() + ": content has "
                        + found.sha256() + " (" + found.size() + " bytes), pkgr.json says "
                        + listed.getValue().sha256() + " (" + listed.getValue().size() + " bytes)");
            }
        }
        for (String name : actual.keySet()) {
            if (!manifest.files().containsKey(name)) {
                throw new BundleException(BundleException.Code.UNLISTED_FILE,
                        "bundle contains " + name + " which pkgr.json does not list");
            }
        }
    }
}
