package io.pkgr.registry.api;

import io.pkgr.bundle.BundleName;
import io.pkgr.bundle.Sha256;
import io.pkgr.bundle.Version;
import java.io.InputStream;
import java.util.Optional;

/**
 * A bundle upload as the HTTP layer parsed it: where it goes, its body, the digest the client
 * declared, and the publisher's signature (null when unsigned; checked by the publisher once the
 * bundle's sha256 is known).
 */
record PublishRequest(BundleName name, Version version, InputStream body, Optional<Sha256> declaredSha256, String publisher,
        io.pkgr.api.BundleSignature signature) {
}
