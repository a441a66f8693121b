package io.pkgr.auth;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/** Which users a reload of the htpasswd file added, changed (a new password hash) or removed; sorted names. */
public record UsersChange(Set<String> added, Set<String> changed, Set<String> removed) {

    public UsersChange {
        added = Set.copyOf(added);
        changed = Set.copyOf(changed);
        removed = Set.copyOf(removed);
    }

    static UsersChange between(Map<String, PasswordHash> before, Map<String, PasswordHash> after) {
        Set<String> added = new TreeSet<>();
        Set<String> changed = new TreeSet<>();
        Set<String> removed = new TreeSet<>();
        after.forEach((user, hash) -> {
            PasswordHash old = before.get(user);
            if (old == null) {
                added.add(user);
            } else if (!old.encoded().equals(hash.encoded())) {
                changed.add(user);
            }
        });
        before.keySet().stream().filter(user -> !after.containsKey(user)).forEach(removed::add);
        return new UsersChange(added, changed, removed);
    }

    /** Whether nothing changed. */
    public boolean isEmpty() {
        return added.isEmpty() && changed.isEmpty() && removed.isEmpty();
    }
}
