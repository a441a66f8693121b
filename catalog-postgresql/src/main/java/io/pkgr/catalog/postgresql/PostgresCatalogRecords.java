package io.pkgr.catalog.postgresql;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.pkgr.api.ApiJson;
import io.pkgr.api.PypiFile;
import io.pkgr.api.VersionRecord;
import io.pkgr.bundle.BundleName;
import io.pkgr.bundle.Sha256;
import io.pkgr.bundle.Version;
import io.pkgr.registry.catalog.CatalogMetrics;
import io.pkgr.registry.catalog.CatalogRecords;
import io.pkgr.registry.catalog.CatalogUnavailableException;
import io.pkgr.registry.catalog.Insert;
import io.pkgr.registry.catalog.RecordRules;
import io.pkgr.registry.catalog.SessionStore;
import io.pkgr.registry.catalog.SharedUsers;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientConnectionException;
import java.sql.Timestamp;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.flywaydb.core.Flyway;

/**
 * The catalog of record in PostgreSQL, shared by every replica. One winner per version comes from
 * the unique constraints ({@code bundle_versions (name, precedence)}, {@code pypi_files (project,
 * filename)}, one sdist per release, one wheel per release and tag); each change also locks its
 * name's row, so the rules no constraint can express (a wheel shadowing a pure one) are checked
 * one replica at a time. Every change bumps a counter and appends to {@code catalog_changes} in
 * its own transaction and notifies {@code pkgr_catalog}; a {@link ChangeFeed} on each replica
 * listens and applies what others changed.
 */
final class PostgresCatalogRecords implements CatalogRecords {

    private static final System.Logger LOG = System.getLogger(PostgresCatalogRecords.class.getName());
    static final String CHANNEL = "pkgr_catalog";
    /** Change rows kept however old (far more than a replica falls behind between two checks). */
    static final long KEEP_CHANGES = 10_000;
    private static final long PRUNE_EVERY = 1_000;
    private static final String FILE_COLUMNS = "f.project, f.filename, f.display_name, f.version, f.filetype, f.sha256,"
            + " f.md5, f.blake2_256, f.size, f.requires_python, f.metadata_sha256, f.metadata_size, f.uploader, f.uploaded,"
            + " y.filename IS NOT NULL AS yanked, y.reason";

    private final HikariDataSource pool;
    private final CatalogMetrics metrics;
    private final ChangeFeed feed;
    private PostgresSharedUsers users; // guarded by this
    private PostgresTokenStore tokens; // guarded by this

    private PostgresCatalogRecords(HikariDataSource pool, PgUrl url, Duration fullCheck, CatalogMetrics metrics) {
        this.pool = pool;
        this.metrics = metrics;
        this.feed = new ChangeFeed(this, url, fullCheck);
    }

    /**
     * Connects, waiting up to {@code startWait} while the database cannot be reached (refused, not
     * yet accepting connections), applies the migrations (one replica at a time: Flyway holds an
     * advisory lock), starts nothing yet.
     */
    static PostgresCatalogRecords open(PgUrl url, Duration fullCheck, Duration startWait, CatalogMetrics metrics)
            throws IOException {
        HikariConfig config = new HikariConfig();
        config.setPoolName("pkgr-catalog");
        config.setDriverClassName("org.postgresql.Driver");
        config.setJdbcUrl(url.jdbcUrl());
        config.setUsername(url.user());
        config.setPassword(url.password());
        config.setMaximumPoolSize(10);
        config.setMinimumIdle(2);
        // a write waits at most this long for a connection before it answers 503
        config.setConnectionTimeout(2000);
        config.setValidationTimeout(1000);
        config.addDataSourceProperty("connectTimeout", "2");
        config.addDataSourceProperty("socketTimeout", "30");
        config.addDataSourceProperty("tcpKeepAlive", "true");
        config.addDataSourceProperty("ApplicationName", "pkgr");
        HikariDataSource pool = connect(config, url, startWait);
        try {
            long started = System.nanoTime();
            var result = Flyway.configure(PostgresCatalogRecords.class.getClassLoader())
                    .dataSource(pool)
                    .locations("classpath:io/pkgr/catalog/postgresql/migration")
                    .table("pkgr_schema_history")
                    .load()
                    .migrate();
            LOG.log(Level.INFO, "catalog database {0}: schema version {1} ({2} migration(s) applied now, {3} ms)", url,
                    result.targetSchemaVersion, result.migrationsExecuted, (System.nanoTime() - started) / 1_000_000);
        } catch (RuntimeException e) {
            pool.close();
            throw new IOException("cannot migrate the catalog database " + url + ": " + rootMessage(e), e);
        }
        return new PostgresCatalogRecords(pool, url, fullCheck, metrics);
    }

    /**
     * The pool, once its first connection is made. While the database cannot be reached ({@link
     * #unreachable}: refused, timed out, or "the database system is starting up", as a database
     * starting beside this replica is) it tries again every second until {@code startWait} has
     * passed; any other failure (a refused password, a missing database) fails at once.
     */
    private static HikariDataSource connect(HikariConfig config, PgUrl url, Duration startWait) throws IOException {
        long deadline = System.nanoTime() + startWait.toNanos();
        for (int attempt = 1; ; attempt++) {
            try {
                return new HikariDataSource(config);
            } catch (RuntimeException e) {
                if (!worthWaiting(e) || System.nanoTime() - deadline >= 0) {
                    throw new IOException("cannot connect to the catalog database " + url + ": " + rootMessage(e)
                            + (attempt > 1 ? " (tried for " + startWait.toSeconds() + " s: --database-start-wait)" : ""), e);
                }
                if (attempt == 1) {
                    LOG.log(Level.WARNING, "the catalog database {0} cannot be reached yet ({1}); trying every second for up"
                            + " to {2} s (--database-start-wait)", new Object[] {url, rootMessage(e), startWait.toSeconds()});
                }
            }
            try {
                Thread.sleep(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.io.InterruptedIOException("interrupted while waiting for the catalog database " + url);
            }
        }
    }

    /** The pool's failure came from a database out of reach (the first SQL exception among its causes says so). */
    private static boolean worthWaiting(RuntimeException e) {
        for (Throwable t = e.getCause(); t != null && t != t.getCause(); t = t.getCause()) {
            if (t instanceof SQLException sql) {
                return unreachable(sql);
            }
        }
        return false;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage();
    }

    // ---- reads

    @Override
    public Snapshot load() throws IOException {
        return call("load", true, c -> {
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            c.setReadOnly(true);
            long seq;
            try (PreparedStatement s = c.prepareStatement("SELECT seq FROM catalog_counter WHERE id = 1");
                    ResultSet r = s.executeQuery()) {
                r.next();
                seq = r.getLong(1);
            }
            List<VersionRecord> versions = versions(c, null);
            List<PypiFile> files = files(c, null);
            feed.loaded(seq);
            return new Snapshot(versions, files);
        });
    }

    /**
     * The names alone, in one read-only transaction (two index scans); each name's rows are queried
     * when first asked for, as they are then: a change made after the names were read also arrives
     * through the change feed, which hands over the name's whole state.
     */
    @Override
    public Names loadNames() throws IOException {
        long started = System.nanoTime();
        Names names = call("load_names", true, c -> {
            c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
            c.setReadOnly(true);
            long seq;
            try (PreparedStatement s = c.prepareStatement("SELECT seq FROM catalog_counter WHERE id = 1");
                    ResultSet r = s.executeQuery()) {
                r.next();
                seq = r.getLong(1);
            }
            java.util.Map<String, java.util.function.Supplier<List<VersionRecord>>> bundles = new java.util.TreeMap<>();
            for (String name : strings(c, "SELECT DISTINCT name FROM bundle_versions")) {
                bundles.put(name, () -> uncheckedCall("load_bundle", c2 -> versions(c2, name)));
            }
            java.util.Map<String, java.util.function.Supplier<List<PypiFile>>> projects = new java.util.TreeMap<>();
            for (String project : strings(c, "SELECT DISTINCT project FROM pypi_files")) {
                projects.put(project, () -> uncheckedCall("load_project", c2 -> files(c2, project)));
            }
            feed.loaded(seq);
            return new Names(bundles, projects);
        });
        LOG.log(Level.INFO, "catalog read from the database: {0} bundles, {1} PyPI projects in {2} ms"
                + " (each name''s records are read when first asked for)",
                names.bundles().size(), names.projects().size(), (System.nanoTime() - started) / 1_000_000);
        return names;
    }

    private static List<String> strings(Connection c, String sql) throws SQLException {
        List<String> values = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement(sql)) {
            s.setFetchSize(5000);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    values.add(r.getString(1));
                }
            }
        }
        return values;
    }

    private <T> T uncheckedCall(String operation, Work<T> work) {
        try {
            return call(operation, true, work);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /** Every version of {@code name} (every version when null). */
    List<VersionRecord> versions(Connection c, String name) throws SQLException, IOException {
        String sql = "SELECT v.record, y.version IS NOT NULL, y.reason FROM bundle_versions v"
                + " LEFT JOIN bundle_yanks y ON y.name = v.name AND y.version = v.version"
                + (name == null ? "" : " WHERE v.name = ?");
        List<VersionRecord> versions = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement(sql)) {
            s.setFetchSize(2000);
            if (name != null) {
                s.setString(1, name);
            }
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    VersionRecord record = ApiJson.read(r.getBytes(1), VersionRecord.class);
                    versions.add(record.withYank(r.getBoolean(2), r.getString(3)));
                }
            }
        }
        return versions;
    }

    /** Every file of {@code project} (every file when null). */
    List<PypiFile> files(Connection c, String project) throws SQLException {
        String sql = "SELECT " + FILE_COLUMNS + " FROM pypi_files f"
                + " LEFT JOIN pypi_yanks y ON y.project = f.project AND y.filename = f.filename"
                + (project == null ? "" : " WHERE f.project = ?");
        List<PypiFile> files = new ArrayList<>();
        try (PreparedStatement s = c.prepareStatement(sql)) {
            s.setFetchSize(5000);
            if (project != null) {
                s.setString(1, project);
            }
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    String metadata = r.getString(11);
                    files.add(new PypiFile(new BundleName(r.getString(3)), r.getString(4), r.getString(2), r.getString(5),
                            new Sha256(r.getString(6)), r.getString(7), r.getString(8), r.getLong(9), r.getString(10),
                            metadata == null ? null : new Sha256(metadata), r.getLong(12), r.getString(13),
                            r.getTimestamp(14).toInstant(), r.getBoolean(15), r.getString(16)));
                }
            }
        }
        return files;
    }

    // ---- bundle versions

    @Override
    public Insert<VersionRecord> insertVersion(VersionRecord candidate) throws IOException {
        String name = candidate.name().normalized();
        return call("insert_version", false, c -> {
            lock(c, "bundles", name);
            int inserted;
            try (PreparedStatement s = c.prepareStatement("INSERT INTO bundle_versions"
                    + " (name, version, precedence, sha256, size, published, record) VALUES (?, ?, ?, ?, ?, ?, ?)"
                    + " ON CONFLICT DO NOTHING")) {
                s.setString(1, name);
                s.setString(2, candidate.version().toString());
                s.setString(3, RecordRules.precedenceKey(candidate.version()));
                s.setString(4, candidate.sha256().hex());
                s.setLong(5, candidate.size());
                s.setTimestamp(6, Timestamp.from(candidate.published()));
                s.setString(7, ApiJson.text(candidate.withYank(false, null)));
                inserted = s.executeUpdate();
            }
            if (inserted == 0) {
                VersionRecord clash = RecordRules.precedenceClash(versions(c, name), candidate.version());
                if (clash == null) {
                    throw new IOException("the catalog database refused " + name + " " + candidate.version()
                            + " without a clashing version");
                }
                return Insert.clash(clash, Insert.Clash.SAME);
            }
            changed(c, "bundle", name);
            return Insert.created(candidate);
        });
    }

    @Override
    public Optional<VersionRecord> replaceVersion(VersionRecord changed) throws IOException {
        String name = changed.name().normalized();
        String version = changed.version().toString();
        return call("yank_version", false, c -> {
            lock(c, "bundles", name);
            if (versions(c, name).stream().noneMatch(v -> v.version().equals(changed.version()))) {
                return Optional.empty();
            }
            if (changed.yanked()) {
                try (PreparedStatement s = c.prepareStatement("INSERT INTO bundle_yanks (name, version, reason)"
                        + " VALUES (?, ?, ?) ON CONFLICT (name, version) DO UPDATE SET reason = EXCLUDED.reason")) {
                    s.setString(1, name);
                    s.setString(2, version);
                    s.setString(3, changed.yankReason());
                    s.executeUpdate();
                }
            } else {
                update(c, "DELETE FROM bundle_yanks WHERE name = ? AND version = ?", name, version);
            }
            changed(c, "bundle", name);
            return versions(c, name).stream().filter(v -> v.version().equals(changed.version())).findFirst();
        });
    }

    @Override
    public Optional<VersionRecord> deleteVersion(BundleName bundle, Version version) throws IOException {
        String name = bundle.normalized();
        return call("delete_version", false, c -> {
            lock(c, "bundles", name);
            Optional<VersionRecord> existing = versions(c, name).stream().filter(v -> v.version().equals(version)).findFirst();
            if (existing.isPresent()) {
                update(c, "DELETE FROM bundle_versions WHERE name = ? AND version = ?", name, version.toString());
                changed(c, "bundle", name);
            }
            return existing;
        });
    }

    // ---- PyPI files

    @Override
    public Insert<PypiFile> insertFile(PypiFile candidate) throws IOException {
        String project = candidate.project();
        return call("insert_file", false, c -> {
            lock(c, "pypi_projects", project);
            Insert<PypiFile> clash = RecordRules.pypiClash(files(c, project), candidate);
            if (clash != null) {
                return clash;
            }
            String release = RecordRules.releaseKey(candidate.version());
            try (PreparedStatement s = c.prepareStatement("INSERT INTO pypi_files (project, filename, display_name,"
                    + " version, release, filetype, sha256, md5, blake2_256, size, requires_python, metadata_sha256,"
                    + " metadata_size, uploader, uploaded) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)")) {
                s.setString(1, project);
                s.setString(2, candidate.filename());
                s.setString(3, candidate.name().toString());
                s.setString(4, candidate.version());
                s.setString(5, release);
                s.setString(6, candidate.filetype());
                s.setString(7, candidate.sha256().hex());
                s.setString(8, candidate.md5());
                s.setString(9, candidate.blake2b256());
                s.setLong(10, candidate.size());
                s.setString(11, candidate.requiresPython());
                s.setString(12, candidate.metadataSha256() == null ? null : candidate.metadataSha256().hex());
                s.setLong(13, candidate.metadataSize());
                s.setString(14, candidate.uploader());
                s.setTimestamp(15, Timestamp.from(candidate.uploaded()));
                s.executeUpdate();
            }
            if (candidate.filetype().equals(RecordRules.WHEEL)) {
                try (PreparedStatement s = c.prepareStatement(
                        "INSERT INTO pypi_wheel_tags (project, release, tag, filename) VALUES (?, ?, ?, ?)")) {
                    for (String tag : RecordRules.wheelTags(candidate.filename())) {
                        s.setString(1, project);
                        s.setString(2, release);
                        s.setString(3, tag);
                        s.setString(4, candidate.filename());
                        s.addBatch();
                    }
                    s.executeBatch();
                }
            }
            changed(c, "pypi", project);
            return Insert.created(candidate);
        });
    }

    @Override
    public List<PypiFile> replaceFiles(List<PypiFile> changed) throws IOException {
        if (changed.isEmpty()) {
            return List.of();
        }
        String project = changed.get(0).project();
        return call("yank_files", false, c -> {
            lock(c, "pypi_projects", project);
            Set<String> present = new LinkedHashSet<>();
            for (PypiFile file : files(c, project)) {
                present.add(file.filename());
            }
            Set<String> done = new LinkedHashSet<>();
            for (PypiFile file : changed) {
                if (!file.project().equals(project)) {
                    throw new IllegalArgumentException("files of more than one project");
                }
                if (!present.contains(file.filename())) {
                    continue;
                }
                if (file.yanked()) {
                    try (PreparedStatement s = c.prepareStatement("INSERT INTO pypi_yanks (project, filename, reason)"
                            + " VALUES (?, ?, ?) ON CONFLICT (project, filename) DO UPDATE SET reason = EXCLUDED.reason")) {
                        s.setString(1, project);
                        s.setString(2, file.filename());
                        s.setString(3, file.yankReason());
                        s.executeUpdate();
                    }
                } else {
                    update(c, "DELETE FROM pypi_yanks WHERE project = ? AND filename = ?", project, file.filename());
                }
                done.add(file.filename());
            }
            if (done.isEmpty()) {
                return List.of();
            }
            changed(c, "pypi", project);
            return files(c, project).stream().filter(f -> done.contains(f.filename())).toList();
        });
    }

    @Override
    public Optional<PypiFile> deleteFile(String project, String filename) throws IOException {
        return call("delete_file", false, c -> {
            lock(c, "pypi_projects", project);
            Optional<PypiFile> existing = files(c, project).stream().filter(f -> f.filename().equals(filename)).findFirst();
            if (existing.isPresent()) {
                update(c, "DELETE FROM pypi_files WHERE project = ? AND filename = ?", project, filename);
                changed(c, "pypi", project);
            }
            return existing;
        });
    }

    // ---- changes

    /** Serialises changes to one name across replicas: its row, created if needed, locked until commit. */
    private static void lock(Connection c, String table, String name) throws SQLException {
        update(c, "INSERT INTO " + table + " (name) VALUES (?) ON CONFLICT DO NOTHING", name);
        try (PreparedStatement s = c.prepareStatement("SELECT name FROM " + table + " WHERE name = ? FOR UPDATE")) {
            s.setString(1, name);
            s.executeQuery().close();
        }
    }

    /** Numbers the change (in commit order: the counter row stays locked until commit) and tells the other replicas. */
    private static void changed(Connection c, String kind, String name) throws SQLException {
        long seq;
        try (PreparedStatement s = c.prepareStatement("UPDATE catalog_counter SET seq = seq + 1 WHERE id = 1 RETURNING seq");
                ResultSet r = s.executeQuery()) {
            r.next();
            seq = r.getLong(1);
        }
        try (PreparedStatement s = c.prepareStatement("INSERT INTO catalog_changes (seq, kind, name) VALUES (?, ?, ?)")) {
            s.setLong(1, seq);
            s.setString(2, kind);
            s.setString(3, name);
            s.executeUpdate();
        }
        try (PreparedStatement s = c.prepareStatement("SELECT pg_notify('" + CHANNEL + "', ?)")) {
            s.setString(1, Long.toString(seq));
            s.executeQuery().close();
        }
        if (seq % PRUNE_EVERY == 0) {
            prune(c, seq - KEEP_CHANGES);
        }
    }

    /**
     * Drops change rows that every live replica has applied: older than {@link #KEEP_CHANGES}
     * numbers and than a day. A replica that was cut off for longer finds a gap below what it
     * applied and reads every name again ({@link #changesSince}).
     */
    static int prune(Connection c, long upTo) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(
                "DELETE FROM catalog_changes WHERE seq <= ? AND changed_at < now() - interval '1 day'")) {
            s.setLong(1, upTo);
            return s.executeUpdate();
        }
    }

    private static int update(Connection c, String sql, String... args) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                s.setString(i + 1, args[i]);
            }
            return s.executeUpdate();
        }
    }

    /** One name's changes since {@code after}: the names changed, in order, and the newest number. */
    record Changes(long newest, List<String[]> names) {
    }

    Changes changesSince(long after) throws IOException {
        return call("changes", true, c -> {
            long newest;
            try (PreparedStatement s = c.prepareStatement("SELECT seq FROM catalog_counter WHERE id = 1");
                    ResultSet r = s.executeQuery()) {
                r.next();
                newest = r.getLong(1);
            }
            if (newest <= after) {
                return new Changes(newest, List.of());
            }
            Set<List<String>> names = new LinkedHashSet<>();
            if (pruned(c, after)) {
                // changes this replica has not applied were pruned: every name, in its current state
                LOG.log(System.Logger.Level.INFO, "catalog changes after {0} were pruned; reading every name again", after);
                addAll(c, names, "bundle", "SELECT name FROM bundles");
                addAll(c, names, "pypi", "SELECT name FROM pypi_projects");
                return new Changes(newest, names.stream().map(l -> l.toArray(String[]::new)).toList());
            }
            try (PreparedStatement s = c.prepareStatement(
                    "SELECT kind, name FROM catalog_changes WHERE seq > ? AND seq <= ? ORDER BY seq")) {
                s.setLong(1, after);
                s.setLong(2, newest);
                try (ResultSet r = s.executeQuery()) {
                    while (r.next()) {
                        names.add(List.of(r.getString(1), r.getString(2)));
                    }
                }
            }
            return new Changes(newest, names.stream().map(l -> l.toArray(String[]::new)).toList());
        });
    }

    /** True when the change right after {@code after} is gone (pruned), so the rows left do not cover what followed it. */
    private static boolean pruned(Connection c, long after) throws SQLException {
        try (PreparedStatement s = c.prepareStatement("SELECT min(seq) FROM catalog_changes");
                ResultSet r = s.executeQuery()) {
            r.next();
            long oldest = r.getLong(1);
            return !r.wasNull() && oldest > after + 1;
        }
    }

    private static void addAll(Connection c, Set<List<String>> names, String kind, String sql) throws SQLException {
        try (PreparedStatement s = c.prepareStatement(sql); ResultSet r = s.executeQuery()) {
            while (r.next()) {
                names.add(List.of(kind, r.getString(1)));
            }
        }
    }

    List<VersionRecord> versionsOf(String name) throws IOException {
        return call("read_bundle", true, c -> versions(c, name));
    }

    List<PypiFile> filesOf(String project) throws IOException {
        return call("read_project", true, c -> files(c, project));
    }

    // ---- plumbing

    @FunctionalInterface
    interface Work<T> {
        T run(Connection c) throws SQLException, IOException;
    }

    /**
     * Runs {@code work} in one transaction, timed; connection failures become {@link
     * CatalogUnavailableException}. The pool resets what {@code work} changed (isolation, read-only).
     */
    <T> T call(String operation, boolean readOnly, Work<T> work) throws IOException {
        long started = System.nanoTime();
        boolean failed = true;
        try (Connection c = pool.getConnection()) {
            c.setAutoCommit(false);
            try {
                T result = work.run(c);
                c.commit();
                failed = false;
                return result;
            } catch (SQLException | IOException | RuntimeException e) {
                try {
                    c.rollback();
                } catch (SQLException ignored) {
                    // the connection is gone; the pool drops it
                }
                throw e;
            }
        } catch (SQLException e) {
            if (unreachable(e)) {
                throw new CatalogUnavailableException("catalog database unreachable during " + operation + ": "
                        + e.getMessage(), e);
            }
            throw new IOException("catalog database error during " + operation + ": " + e.getMessage(), e);
        } finally {
            metrics.databaseCall(operation, (System.nanoTime() - started) / 1e9, failed);
        }
    }

    /** The database is down or out of reach (as opposed to a bad statement). */
    static boolean unreachable(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLTransientConnectionException || t instanceof SQLNonTransientConnectionException
                    || t instanceof SQLRecoverableException) {
                return true;
            }
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                String state = sql.getSQLState();
                // 08: connection exception; 57P: operator intervention (shutdown); 53: insufficient resources
                if (state.startsWith("08") || state.startsWith("57P") || state.startsWith("53")) {
                    return true;
                }
            }
        }
        return false;
    }

    @Override
    public void subscribe(ChangeListener listener) {
        feed.start(listener);
    }

    @Override
    public void checkReady() throws IOException {
        call("ready", true, c -> {
            try (PreparedStatement s = c.prepareStatement("SELECT 1"); ResultSet r = s.executeQuery()) {
                return r.next();
            }
        });
    }

    /** Opened on first use: {@code pkgr admin} never needs it, a server asks for it once at start. */
    @Override
    public synchronized Optional<SharedUsers> sharedUsers() {
        if (users == null) {
            try {
                users = new PostgresSharedUsers(this);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        return Optional.of(users);
    }

    /** Read on each use: nothing is held in memory. */
    @Override
    public Optional<SessionStore> sessionStore() {
        return Optional.of(new PostgresSessions(this));
    }

    /** Opened on first use, as the users are. */
    @Override
    public synchronized Optional<io.pkgr.auth.TokenStore> tokenStore() {
        if (tokens == null) {
            try {
                tokens = new PostgresTokenStore(this);
            } catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
        return Optional.of(tokens);
    }

    @Override
    public void close() {
        synchronized (this) {
            if (users != null) {
                users.close();
            }
            if (tokens != null) {
                tokens.close();
            }
        }
        feed.close();
        pool.close();
    }
}
