package io.pkgr.registry.pypi;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** A simple-API page rendered once per change, with its strong ETag. */
record Page(byte[] body, String etag) {

    static Page of(byte[] body, String flavour) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(body);
            return new Page(body, "\"" + flavour + "-" + HexFormat.of().formatHex(digest, 0, 16) + "\"");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
