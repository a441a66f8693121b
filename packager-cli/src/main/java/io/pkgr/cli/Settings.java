package io.pkgr.cli;

import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;

/**
 * Where pkgr keeps things and what the environment says, read in one place.
 *
 * <ul>
 *   <li>{@code PKGR_CONFIG_DIR}: config and credentials (default {@code $XDG_CONFIG_HOME/pkgr} or {@code ~/.config/pkgr})</li>
 *   <li>{@code PKGR_CACHE_DIR}: pulled bundles and environments (default {@code $XDG_CACHE_HOME/pkgr} or {@code ~/.cache/pkgr})</li>
 *   <li>{@code PKGR_REPOSITORIES_<NAME>_URL}, {@code PKGR_HTTP_BASIC_<NAME>_USERNAME/PASSWORD}: override the config files</li>
 * </ul>
 */
public record Settings(Map<String, String> env, Path home, Path workingDir) {

    /** Settings of this process. */
    public static Settings fromSystem() {
        // $HOME first, as pip and the shell read ~: Java's user.home comes from the password
        // database, so a HOME=... pkgr (a test, a container step) would use another user's cache
        String home = System.getenv("HOME");
        return new Settings(System.getenv(), Path.of(home != null && !home.isEmpty() ? home : System.getProperty("user.home")),
                Path.of("").toAbsolutePath());
    }

    public String get(String name) {
        String v = env.get(name);
        return v == null || v.isEmpty() ? null : v;
    }

    public Path configDir() {
        String dir = get("PKGR_CONFIG_DIR");
        if (dir != null) {
            return Path.of(dir);
        }
        String xdg = get("XDG_CONFIG_HOME");
        return (xdg != null ? Path.of(xdg) : home.resolve(".config")).resolve("pkgr");
    }

    public Path cacheDir() {
        String dir = get("PKGR_CACHE_DIR");
        if (dir != null) {
            return Path.of(dir);
        }
        String xdg = get("XDG_CACHE_HOME");
        return (xdg != null ? Path.of(xdg) : home.resolve(".cache")).resolve("pkgr");
    }

    /** The environment variable name for a repository setting, poetry style: {@code PKGR_REPOSITORIES_PRIVATE_URL}. */
    public static String envName(String prefix, String repository, String suffix) {
        return prefix + repository.toUpperCase(Locale.ROOT).replaceAll("[^A-Z0-9]", "_") + suffix;
    }

    /**
     * The environment of every process pkgr starts (pip, probes, compileall, build backends, the
     * entrypoint): pkgr's own without its secrets, since each of them runs third-party code (a
     * wheel's {@code .pth} file, an sdist's build backend, the step and every library it imports).
     */
    public Map<String, String> childEnv() {
        Map<String, String> child = new java.util.LinkedHashMap<>(env);
        child.keySet().removeIf(Settings::isSecret);
        return child;
    }

    /** pkgr's own secrets: the registry passwords of poetry-style configuration and any pkgr token. */
    public static boolean isSecret(String name) {
        return name.startsWith("PKGR_") && (name.endsWith("_PASSWORD") || name.contains("TOKEN"));
    }

    public Path resolve(String path) {
        return workingDir.resolve(path);
    }
}
