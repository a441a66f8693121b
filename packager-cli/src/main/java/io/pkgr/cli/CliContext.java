package io.pkgr.cli;

import io.pkgr.cli.cache.CacheLayout;
import io.pkgr.cli.config.ConfigStore;
import io.pkgr.cli.config.Repository;
import io.pkgr.cli.registry.RegistryClient;
import java.util.HashMap;
import java.util.Map;

/**
 * What every command shares, assembled once in {@link Main} and handed to commands by picocli's
 * factory: the settings, the configuration, the cache layout and the registry clients.
 */
public final class CliContext {

    private final Settings settings;
    private final ConfigStore config;
    private final CacheLayout cache;
    private final Map<String, RegistryClient> clients = new HashMap<>();

    public CliContext(Settings settings) {
        this.settings = settings;
        this.config = new ConfigStore(settings);
        this.cache = new CacheLayout(settings.cacheDir());
    }

    public Settings settings() {
        return settings;
    }

    /** Repositories and credentials (the files, overridden by the environment field by field). */
    public ConfigStore config() {
        return config;
    }

    public CacheLayout cache() {
        return cache;
    }

    /** Which repository a command talks to: {@code -r}, PKGR_REPOSITORY, or the only configured one (no network). */
    public String repositoryName(String option) {
        return config.select(option).name();
    }

    /**
     * The client for a configured repository, created on first use (a warm run never creates one).
     * Synchronized: a layered fetch's threads ask for it on first need, and a client takes a while
     * to build (a plain map's computeIfAbsent then throws ConcurrentModificationException).
     */
    public synchronized RegistryClient registry(String repository) {
        return clients.computeIfAbsent(repository, r -> new RegistryClient(config.repository(r)));
    }

    /** A client for these exact coordinates (e.g. credentials being tried before they are stored). */
    public RegistryClient registry(Repository repository) {
        return new RegistryClient(repository);
    }
}
