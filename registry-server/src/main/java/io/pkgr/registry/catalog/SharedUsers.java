package io.pkgr.registry.catalog;

import io.pkgr.auth.StoredUsers;
import java.io.IOException;

/**
 * Users the registry creates itself, kept in the catalog database so that every replica knows the
 * same ones (the first-start admin); authentication consults them beside the mounted htpasswd file.
 */
public interface SharedUsers extends StoredUsers {

    /**
     * Stores {@code user} with {@code passwordHash} (htpasswd format) unless a user of that name is
     * there: true for the one caller, across every replica, that stored it.
     */
    boolean createIfAbsent(String user, String passwordHash) throws IOException;
}
