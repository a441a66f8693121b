package io.pkgr.registry.web;

import io.pkgr.registry.access.Principal;

/**
 * Who looks at a page: the principal the API rules apply to, how it authenticated (a session
 * cookie, Basic credentials, or none), and the CSRF token its forms must carry (null for anonymous).
 */
record Viewer(Principal principal, boolean session, String csrf) {

    static final Viewer ANONYMOUS = new Viewer(Principal.ANONYMOUS, false, null);

    boolean anonymous() {
        return principal.anonymous();
    }

    String user() {
        return principal.user();
    }
}
