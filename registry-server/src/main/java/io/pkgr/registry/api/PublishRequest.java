package io.pkgr.registry.api;

import io.pkgr.bundle.BundleName;
import io.pkgr.bundle.Sha256;
import io.pkgr.bundle.Version;
import java.io.InputStream;
import java.util.Optional;

/** A bundle upload as the HTTP layer parsed it: where it goes, its body, and the digest the client declared. */
record PublishRequest(BundleName name, Version version, InputStream body, Optional<Sha256> declaredSha256, String publisher) {
}
