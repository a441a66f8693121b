package io.pkgr.registry;

import io.pkgr.auth.AccessRules;
import io.pkgr.auth.ApiTokens;
import io.pkgr.auth.Authenticator;
import io.pkgr.auth.FileTokenStore;
import io.pkgr.auth.UsersChange;
import io.pkgr.registry.access.TokenRoutes;
import io.pkgr.registry.audit.AuditEvent;
import io.pkgr.registry.audit.AuditHandler;
import io.pkgr.registry.audit.AuditLog;
import io.pkgr.registry.access.AccessControl;
import io.pkgr.registry.access.AuthModuleAccessControl;
import io.pkgr.registry.access.AuthenticationHandler;
import io.pkgr.registry.access.FirstStart;
import io.pkgr.registry.access.Principal;
import io.pkgr.registry.api.BundleRoutes;
import io.pkgr.registry.api.SearchRoute;
import io.pkgr.registry.catalog.Catalog;
import io.pkgr.registry.catalog.CatalogRecords;
import io.pkgr.registry.catalog.CatalogRecordsProvider;
import io.pkgr.registry.catalog.SharedUsers;
import io.pkgr.registry.catalog.DatabaseSettings;
import io.pkgr.registry.catalog.StoreCatalogRecords;
import io.pkgr.registry.http.ApiException;
import io.pkgr.registry.http.BlobResponses;
import io.pkgr.api.ErrorCode;
import io.pkgr.registry.http.ClientAddressHandler;
import io.pkgr.registry.http.ExchangeGuard;
import io.pkgr.registry.http.Route;
import io.pkgr.registry.http.Routes;
import io.pkgr.registry.http.UploadSlots;
import io.pkgr.registry.ops.AccessLogHandler;
import io.pkgr.registry.ops.MeteredBlobStore;
import io.pkgr.registry.ops.OperationsHandlers;
import io.pkgr.registry.ops.RegistryMetrics;
import io.pkgr.registry.maven.MavenRoutes;
import io.pkgr.registry.pypi.PypiCatalog;
import io.pkgr.registry.pypi.PypiRoutes;
import io.pkgr.registry.storage.BlobStore;
import io.pkgr.registry.storage.BlobStoreProvider;
import io.pkgr.registry.tls.TlsContexts;
import io.pkgr.registry.web.WebRoutes;
import io.undertow.Undertow;
import io.undertow.UndertowOptions;
import io.undertow.server.HttpHandler;
import io.undertow.server.handlers.GracefulShutdownHandler;
import io.undertow.server.handlers.HttpContinueReadHandler;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.net.ssl.SSLContext;
import org.xnio.Options;

/**
 * The one place that wires the server from its {@link ServerConfig} with plain constructors:
 * storage → catalogs → auth → routes → handler chain → Undertow. Each part is built once by a
 * {@code create…} method, in dependency order.
 */
final class RegistryAssembly {

    private static final System.Logger LOG = System.getLogger(RegistryAssembly.class.getName());
    private static final int WORKER_THREADS = 64;
    /** Bytes per pooled IO buffer (one per connection while it reads or writes; the pool reuses them). */
    private static final int BUFFER_SIZE = 64 * 1024;
    /** How long Undertow waits for busy workers once the grace period is over, before interrupting them. */
    private static final int SHUTDOWN_AFTER_GRACE_MILLIS = 1000;

    final ServerConfig config;
    final PrintStream console;
    final AtomicBoolean shuttingDown = new AtomicBoolean();
    final RegistryMetrics metrics = new RegistryMetrics();
    final BlobStore store;
    final CatalogRecords records;
    final Catalog catalog;
    final PypiCatalog pypi;
    final AuditLog audit;
    final ApiTokens tokens;
    final AccessControl access;
    private AccessRules rules; // set by createAccessControl
    final GracefulShutdownHandler root;
    final Undertow undertow;
    private long maxBodyBytes; // the largest request body a route reads; set by createRoutes

    MavenRoutes maven; // set by createRoutes

    RegistryAssembly(ServerConfig config, PrintStream console) throws IOException {
        this.config = config;
        this.console = console;
        this.store = createStore();
        this.records = createRecords();
        CatalogRecords.Names snapshot = records.loadNames();
        this.catalog = Catalog.of(records, snapshot);
        this.pypi = PypiCatalog.of(store, records, snapshot);
        records.subscribe(new CatalogRecords.ChangeListener() {
            @Override
            public void bundleChanged(String name, java.util.List<io.pkgr.api.VersionRecord> versions) {
                catalog.refresh(name, versions);
            }

            @Override
            public void projectChanged(String project, java.util.List<io.pkgr.api.PypiFile> files) {
                pypi.refresh(project, files);
            }

            @Override
            public void reloaded(CatalogRecords.Snapshot all) {
                catalog.refreshAll(all);
                pypi.refreshAll(all);
            }
        });
        this.audit = new AuditLog(config.auditFile(), config.audit().maxBytes(), config.audit().keep());
        this.tokens = createTokens();
        this.access = createAccessControl();
        // a client that sends "Expect: 100-continue" (mvn deploy, curl -T) waits for the 100 before
        // the body; Undertow sends it only when asked, here on the first read of a body a route takes
        this.root = new GracefulShutdownHandler(new AccessLogHandler(new AuditHandler(audit,
                new HttpContinueReadHandler(createRoutes())),
                metrics, config.logFormat() == ServerConfig.LogFormat.JSON));
        this.undertow = createUndertow(ClientAddressHandler.wrap(config.trustedProxies(),
                new ExchangeGuard(root, config.minUploadRate(), config.uploadRateGrace())));
        registerGauges();
    }

    private BlobStore createStore() throws IOException {
        BlobStore opened = BlobStoreProvider.openStore(config.storageLocation());
        return new MeteredBlobStore(opened, metrics);
    }

    /** The catalog of record: PostgreSQL (or another database) with {@code --database}, else files in the store. */
    private CatalogRecords createRecords() throws IOException {
        if (config.database() == null) {
            return new StoreCatalogRecords(store);
        }
        DatabaseSettings settings = config.database();
        LOG.log(Level.INFO, "catalog of record: {0}", settings.redactedUrl());
        return CatalogRecordsProvider.forUrl(settings.url()).open(settings, store, metrics::databaseCall);
    }

    /** API tokens: in the catalog database when replicas share one, else in a file in the data directory. */
    private ApiTokens createTokens() throws IOException {
        java.util.Optional<io.pkgr.auth.TokenStore> shared = records.tokenStore();
        return new ApiTokens(shared.isPresent() ? shared.get() : FileTokenStore.open(config.tokensFile()));
    }

    private AccessControl createAccessControl() throws IOException {
        ensureUsersAndRules();
        Authenticator authenticator = Authenticator.builder(config.htpasswdFile())
                .storedUsers(records.sharedUsers().orElse(null))
                .tokens(tokens)
                .onUsersChanged(this::auditUsers)
                .build();
        Path rulesFile = config.accessRulesFile();
        rules = AccessRules.load(rulesFile,
                () -> audit.record(AuditEvent.ofServer("access-reload", null, "reloaded " + rulesFile)));
        rules.setAnonymousRead(config.anonymousRead());
        AuthModuleAccessControl control = new AuthModuleAccessControl(authenticator, rules);
        metrics.counter("pkgr_auth_cache_hits", "Credential checks answered from the verification cache",
                control::cacheHits);
        metrics.counter("pkgr_auth_cache_misses", "Credential checks that needed a password hash",
                control::cacheMisses);
        return control;
    }

    private void auditUsers(UsersChange change) {
        StringBuilder detail = new StringBuilder("htpasswd reloaded:");
        if (!change.added().isEmpty()) {
            detail.append(" added ").append(new java.util.TreeSet<>(change.added()));
        }
        if (!change.changed().isEmpty()) {
            detail.append(" password changed ").append(new java.util.TreeSet<>(change.changed()));
        }
        if (!change.removed().isEmpty()) {
            detail.append(" removed ").append(new java.util.TreeSet<>(change.removed()));
        }
        audit.record(AuditEvent.ofServer("users-reload", null, detail.toString()));
    }

    /** First start: an admin whose password goes to a file only its owner reads, and default rules. */
    private void ensureUsersAndRules() throws IOException {
        Path passwordFile = config.dataDir().resolve(FirstStart.PASSWORD_FILE);
        java.util.Optional<SharedUsers> shared = records.sharedUsers();
        boolean adminOnly;
        if (shared.isPresent() && !java.nio.file.Files.exists(config.htpasswdFile())) {
            // replicas on one database: one admin for all, in the database, whichever replica wins the race
            adminOnly = true;
            if (FirstStart.ensureSharedAdmin(shared.get(), passwordFile)) {
                audit.record(AuditEvent.ofServer("user-create", FirstStart.ADMIN, "first start: in the catalog database"));
                console.println("created user " + FirstStart.ADMIN + " in the catalog database"
                        + "; its password is in " + passwordFile.toAbsolutePath()
                        + " (readable by its owner only; store it elsewhere, then delete the file)");
            }
        } else {
            adminOnly = FirstStart.ensureHtpasswd(config.htpasswdFile(), passwordFile);
            if (adminOnly) {
                audit.record(AuditEvent.ofServer("user-create", FirstStart.ADMIN, "first start: in " + config.htpasswdFile()));
                // the password never reaches the console: logs are collected, kept and shared
                console.println("created user " + FirstStart.ADMIN + " in " + config.htpasswdFile()
                        + "; its password is in " + passwordFile.toAbsolutePath()
                        + " (readable by its owner only; store it elsewhere, then delete the file)");
            }
        }
        boolean adminCreated = adminOnly;
        if (config.accessFile() != null) {
            return;
        }
        switch (FirstStart.ensureAccessRules(config.accessRulesFile(), adminCreated)) {
            case ADMIN_ONLY -> LOG.log(Level.INFO, "created access rules giving {0} everything in {1}",
                    FirstStart.ADMIN, config.accessRulesFile());
            case EVERY_USER_PUBLISHES -> console.println("no access rules for " + config.htpasswdFile()
                    + ": created " + config.accessRulesFile() + " letting every user in it read and publish every"
                    + " bundle, as pypiserver does; edit that file to narrow it (docs/auth.md)");
            case NONE -> { }
        }
    }

    private HttpHandler createRoutes() {
        OperationsHandlers operations = new OperationsHandlers(store, records, metrics, shuttingDown::get, config.minFreeBytes());
        Routes authenticated = new Routes();
        UploadSlots uploads = new UploadSlots(config.maxConcurrentUploads(), metrics);
        BlobResponses downloads = new BlobResponses(store, config.s3RedirectExpiry());
        BundleRoutes bundles = new BundleRoutes(catalog, store, downloads, access, uploads, config.maxUploadBytes());
        bundles.register(authenticated);
        metrics.counter("pkgr_bundle_files_assembled", "Whole files of layered bundle versions assembled and stored since start",
                bundles::wholeFilesAssembled);
        metrics.counter("pkgr_bundle_files_corrupt", "Stored whole bundle files found not to match their sha256 and removed",
                bundles::wholeFilesCorrupt);
        maven = new MavenRoutes(store, downloads, access, uploads, config.maxUploadBytes(),
                config.mavenSnapshotBuilds());
        new SearchRoute(catalog, maven.catalog(), access).register(authenticated);
        PypiRoutes pypiRoutes = new PypiRoutes(pypi, store, downloads, access, uploads, config.maxUploadBytes());
        pypiRoutes.register(authenticated);
        new TokenRoutes(tokens, rules).register(authenticated);
        maven.register(authenticated);
        metrics.counter("pkgr_maven_files_deployed", "Maven files stored since start (new files, not identical redeploys)",
                maven::deployedCount);
        metrics.counter("pkgr_maven_snapshot_files_pruned", "Maven snapshot build files removed by --maven-snapshot-builds",
                maven::prunedCount);
        metrics.gauge("pkgr_catalog_maven_artifacts", "Maven artifacts (GROUP:ARTIFACT) with a stored file, as this"
                + " replica knows them", () -> maven.catalog().artifactCount());
        new WebRoutes(catalog, pypi, maven.catalog(), access, shuttingDown::get, records.sessionStore()).register(authenticated);
        // a bundle body is the bundle alone; a PyPI upload carries its form fields besides the file
        maxBodyBytes = Math.max(config.maxUploadBytes(), pypiRoutes.maxBodyBytes());

        Routes open = new Routes();
        open.get("/healthz", operations.health())
                .get("/readyz", operations.ready());
        if (config.publicMetrics()) {
            open.get("/metrics", operations.metrics());
        } else {
            authenticated.get("/metrics", Route.of(exchange -> {
                if (Principal.of(exchange).anonymous()) {
                    throw new ApiException(ErrorCode.UNAUTHORIZED);
                }
                operations.metrics().handleRequest(exchange);
            }));
        }
        open.setFallbackHandler(new AuthenticationHandler(access, authenticated));
        return open;
    }

    private Undertow createUndertow(HttpHandler handler) throws IOException {
        int timeoutMillis = (int) Math.min(Integer.MAX_VALUE, config.idleTimeout().toMillis());
        Undertow.Builder builder = Undertow.builder()
                .setWorkerThreads(WORKER_THREADS)
                // Undertow sizes its buffers from -Xmx (8 KiB under 128 MiB): an upload read on a
                // worker wakes up once per buffer, so small buffers cap uploads at tens of MB/s
                .setBufferSize(BUFFER_SIZE)
                .setDirectBuffers(true)
                .setServerOption(UndertowOptions.IDLE_TIMEOUT, timeoutMillis)
                .setServerOption(UndertowOptions.NO_REQUEST_TIMEOUT, timeoutMillis)
                .setServerOption(UndertowOptions.REQUEST_PARSE_TIMEOUT, Math.min(timeoutMillis, 10_000))
                .setServerOption(UndertowOptions.ALLOW_ENCODED_SLASH, false)
                // Undertow cuts any body over 2 MiB by default, dropping the connection; the routes
                // answer 413 themselves, so Undertow's own cap is the largest body a route reads
                .setServerOption(UndertowOptions.MAX_ENTITY_SIZE, maxBodyBytes)
                .setSocketOption(Options.READ_TIMEOUT, timeoutMillis)
                // after the grace period stop() interrupts the workers still busy: a worker blocked
                // reading a stalled upload would otherwise hold the stop until the read timeout
                .setServerOption(UndertowOptions.SHUTDOWN_TIMEOUT, SHUTDOWN_AFTER_GRACE_MILLIS)
                .setSocketOption(Options.WRITE_TIMEOUT, timeoutMillis)
                .setHandler(handler);
        SSLContext tls = createTls();
        if (tls == null) {
            builder.addHttpListener(config.port(), config.host());
        } else {
            builder.addHttpsListener(config.port(), config.host(), tls);
        }
        return builder.build();
    }

    private SSLContext createTls() throws IOException {
        if (config.tlsSelfSigned()) {
            return TlsContexts.selfSigned(config.dataDir().resolve("tls"));
        }
        if (config.tlsCert() != null) {
            return TlsContexts.fromPem(config.tlsCert(), config.tlsKey());
        }
        return null;
    }

    private void registerGauges() {
        metrics.gauge("pkgr_catalog_bundles", "Bundle names with at least one version", catalog::nameCount);
        metrics.gauge("pkgr_catalog_versions", "Published bundle versions", catalog::versionCount);
        metrics.gauge("pkgr_catalog_pypi_projects", "PyPI projects with at least one file", pypi::projectCount);
        metrics.gauge("pkgr_catalog_pypi_files", "Uploaded PyPI distribution files", pypi::fileCount);
    }
}
