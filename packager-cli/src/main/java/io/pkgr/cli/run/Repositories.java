package io.pkgr.cli.run;

import io.pkgr.cli.Settings;
import io.pkgr.cli.config.ConfigStore;

/** Which repository a command talks to: {@code -r}, PKGR_REPOSITORY, or the only configured one (no network). */
final class Repositories {

    private Repositories() {
    }

    static String pick(Settings settings, String option) {
        return new ConfigStore(settings).select(option).name();
    }
}
