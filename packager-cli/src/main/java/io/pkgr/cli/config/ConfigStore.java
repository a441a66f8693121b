package io.pkgr.cli.config;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.pkgr.cli.CliException;
import io.pkgr.cli.ExitCode;
import io.pkgr.cli.Settings;
import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * pkgr's configuration, poetry style: {@code config.json} holds settings such as
 * {@code repositories.NAME.url}; {@code credentials.json} (mode 0600) holds
 * {@code http-basic.NAME.username/password}. Environment variables override both.
 */
public final class ConfigStore {

    public static final String CONFIG_FILE = "config.json";
    public static final String CREDENTIALS_FILE = "credentials.json";
    private static final Pattern REPO_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{0,63}");
    /** The writer, loaded only when the configuration changes: a warm run reads the files with the streaming parser. */
    private static final class Writer {
        static final ObjectMapper JSON = new ObjectMapper()
                .configure(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS, true)
                .configure(SerializationFeature.INDENT_OUTPUT, true);
    }

    private static final JsonFactory READER = new JsonFactory();

    private final Settings settings;

    public ConfigStore(Settings settings) {
        this.settings = settings;
    }

    public Path configFile() {
        return settings.configDir().resolve(CONFIG_FILE);
    }

    public Path credentialsFile() {
        return settings.configDir().resolve(CREDENTIALS_FILE);
    }

    /**
     * The repository to use: {@code name} when given, else {@code PKGR_REPOSITORY}, else the only
     * configured one; an error saying what to pass otherwise.
     */
    public Repository select(String name) {
        if (name != null) {
            return repository(name);
        }
        String fromEnv = settings.get("PKGR_REPOSITORY");
        if (fromEnv != null) {
            return repository(fromEnv);
        }
        java.util.SortedSet<String> names = repositoryNames();
        if (names.size() == 1) {
            return repository(names.first());
        }
        throw new CliException(ExitCode.USAGE, names.isEmpty()
                ? "no repository configured: run 'pkgr config repositories.NAME URL' (or set PKGR_REPOSITORIES_NAME_URL) and pass -r NAME"
                : "several repositories are configured (" + String.join(", ", names) + "): pass -r NAME or set PKGR_REPOSITORY");
    }

    /** Names of every repository configured in the file or the environment. */
    public java.util.SortedSet<String> repositoryNames() {
        java.util.SortedSet<String> names = new java.util.TreeSet<>();
        for (String key : config().keySet()) {
            if (key.startsWith("repositories.") && key.endsWith(".url")) {
                names.add(key.substring("repositories.".length(), key.length() - ".url".length()));
            }
        }
        for (String var : settings.env().keySet()) {
            if (var.startsWith("PKGR_REPOSITORIES_") && var.endsWith("_URL") && settings.get(var) != null) {
                names.add(var.substring("PKGR_REPOSITORIES_".length(), var.length() - "_URL".length())
                        .toLowerCase(java.util.Locale.ROOT));
            }
        }
        return names;
    }

    /** The repository called {@code name}, from the environment or the config files. */
    public Repository repository(String name) {
        checkName(name);
        String url = settings.get(Settings.envName("PKGR_REPOSITORIES_", name, "_URL"));
        if (url == null) {
            url = config().get("repositories." + name + ".url");
        }
        if (url == null) {
            throw new CliException(ExitCode.USAGE, "unknown repository '" + name + "': set it with 'pkgr config repositories."
                    + name + " URL' or PKGR_REPOSITORIES_" + Settings.envName("", name, "") + "_URL");
        }
        // Field by field: a CI secret holding only the password still wins over the stored one.
        Map<String, String> stored = credentials();
        String user = settings.get(Settings.envName("PKGR_HTTP_BASIC_", name, "_USERNAME"));
        if (user == null) {
            user = stored.get("http-basic." + name + ".username");
        }
        String password = settings.get(Settings.envName("PKGR_HTTP_BASIC_", name, "_PASSWORD"));
        if (password == null) {
            password = stored.get("http-basic." + name + ".password");
        }
        return new Repository(name, parseUrl(url), user, password);
    }

    /** Flat view of the config file: {@code repositories.NAME.url → URL}. */
    public Map<String, String> config() {
        return read(configFile());
    }

    /** Flat view of the credentials file: {@code http-basic.NAME.username → USER}. */
    public Map<String, String> credentials() {
        return read(credentialsFile());
    }

    public void setRepository(String name, String url) {
        checkName(name);
        parseUrl(url);
        Map<String, String> c = new TreeMap<>(config());
        c.put("repositories." + name + ".url", url);
        write(configFile(), c, false);
    }

    /** Sets a plain setting of the config file (not a credential). */
    public void set(String key, String value) {
        Map<String, String> c = new TreeMap<>(config());
        c.put(key, value);
        write(configFile(), c, false);
    }

    public void setCredentials(String name, String user, String password) {
        checkName(name);
        Map<String, String> c = new TreeMap<>(credentials());
        c.put("http-basic." + name + ".username", user);
        c.put("http-basic." + name + ".password", password);
        write(credentialsFile(), c, true);
    }

    /** Removes a key ({@code repositories.NAME} or {@code http-basic.NAME}); true when something was removed. */
    public boolean unset(String key) {
        boolean credential = key.startsWith("http-basic.");
        Path file = credential ? credentialsFile() : configFile();
        Map<String, String> c = new TreeMap<>(credential ? credentials() : config());
        boolean removed = c.keySet().removeIf(k -> k.equals(key) || k.startsWith(key + "."));
        if (removed) {
            write(file, c, credential);
        }
        return removed;
    }

    public static void checkName(String name) {
        if (name == null || !REPO_NAME.matcher(name).matches()) {
            throw new CliException(ExitCode.USAGE, "invalid repository name '" + name
                    + "' (use letters, digits, '-' and '_')");
        }
    }

    static URI parseUrl(String url) {
        try {
            URI uri = new URI(url);
            String scheme = uri.getScheme();
            if (scheme == null || !(scheme.equals("http") || scheme.equals("https") || scheme.equals("file"))
                    || (!scheme.equals("file") && uri.getHost() == null)) {
                throw new URISyntaxException(url, "expected an http://, https:// or file: URL");
            }
            if (uri.getUserInfo() != null) {
                throw new CliException(ExitCode.USAGE, "put credentials in 'pkgr config http-basic.NAME USER', not in the URL");
            }
            return uri;
        } catch (URISyntaxException e) {
            throw new CliException(ExitCode.USAGE, "invalid repository URL '" + url + "': " + e.getReason());
        }
    }

    private static Map<String, String> read(Path file) {
        if (!Files.exists(file)) {
            return Map.of();
        }
        try (JsonParser p = READER.createParser(file.toFile())) {
            Map<String, String> flat = new TreeMap<>();
            if (p.nextToken() != null) {
                flatten("", p, flat);
            }
            return flat;
        } catch (IOException e) {
            throw new CliException(ExitCode.USAGE, "cannot read " + file + ": " + e.getMessage());
        }
    }

    /**
     * {@code section.NAME.field → text} from the value at the parser's token, with the streaming parser
     * (every pkgr run reads these files): a scalar's text as {@code JsonNode.asText()} gives it, an
     * array as "", null skipped.
     */
    private static void flatten(String prefix, JsonParser p, Map<String, String> out) throws IOException {
        switch (p.currentToken()) {
            case START_OBJECT -> {
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String key = p.currentName();
                    p.nextToken();
                    flatten(prefix.isEmpty() ? key : prefix + "." + key, p, out);
                }
            }
            case START_ARRAY -> {
                p.skipChildren();
                out.put(prefix, "");
            }
            case VALUE_NULL -> {
            }
            case VALUE_NUMBER_FLOAT -> out.put(prefix, Double.toString(p.getDoubleValue()));
            default -> out.put(prefix, p.getText());
        }
    }

    private static void write(Path file, Map<String, String> flat, boolean secret) {
        Map<String, Object> tree = new TreeMap<>();
        flat.forEach((key, value) -> {
            // keys are section.NAME.field; NAME never contains a dot
            String[] parts = key.split("\\.", 3);
            @SuppressWarnings("unchecked")
            Map<String, Object> section = (Map<String, Object>) tree.computeIfAbsent(parts[0], k -> new TreeMap<>());
            if (parts.length == 3) {
                @SuppressWarnings("unchecked")
                Map<String, Object> entry = (Map<String, Object>) section.computeIfAbsent(parts[1], k -> new TreeMap<>());
                entry.put(parts[2], value);
            } else {
                section.put(parts.length > 1 ? parts[1] : key, value);
            }
        });
        try {
            io.pkgr.bundle.AtomicFiles.write(file, secret ? "rw-------" : "rw-r--r--", Writer.JSON.writeValueAsBytes(tree));
        } catch (IOException e) {
            throw new CliException(ExitCode.FAILURE, "cannot write " + file + ": " + e.getMessage());
        }
    }

}
