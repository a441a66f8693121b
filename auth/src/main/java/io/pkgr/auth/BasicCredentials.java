package io.pkgr.auth;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * User and password from an {@code Authorization: Basic} header (RFC 7617). The password stays
 * raw bytes: a client that sent Latin-1 is verified byte for byte, as Apache does.
 */
record BasicCredentials(String user, byte[] password) {

    /** Longer headers are refused before decoding; real ones are far shorter. */
    static final int MAX_HEADER_CHARS = 4096;

    /** Parses the header value; null when it is not well-formed Basic credentials. Never throws. */
    static BasicCredentials parse(String header) {
        if (header == null || header.length() > MAX_HEADER_CHARS || header.length() < 6
                || !header.regionMatches(true, 0, "Basic ", 0, 6)) {
            return null;
        }
        String token = header.substring(6).strip();
        byte[] decoded;
        try {
            decoded = Base64.getDecoder().decode(token);
        } catch (IllegalArgumentException e) {
            return null;
        }
        int colon = -1;
        for (int i = 0; i < decoded.length; i++) {
            if (decoded[i] == ':') {
                colon = i;
                break;
            }
        }
        if (colon <= 0) {
            return null;
        }
        String user;
        try {
            user = StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(decoded, 0, colon)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
        if (!HtpasswdFile.isValidUserName(user)) {
            return null; // also keeps NUL out, which separates user from password in the cache key
        }
        byte[] password = java.util.Arrays.copyOfRange(decoded, colon + 1, decoded.length);
        return new BasicCredentials(user, password);
    }

    @Override
    public String toString() {
        return "BasicCredentials[user=" + user + "]";
    }
}
