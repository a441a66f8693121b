package io.pkgr.cli.config;

import io.pkgr.cli.CliContext;
import io.pkgr.cli.CliException;
import io.pkgr.cli.ExitCode;
import io.pkgr.cli.HelpOption;
import io.pkgr.cli.Secrets;
import io.pkgr.cli.Settings;
import java.io.PrintWriter;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code pkgr config}: repositories and their credentials, the way poetry does it. */
@Command(name = "config",
        sortOptions = false,
        header = "Configure repositories and credentials.",
        description = {
                "Keys:",
                "  repositories.NAME URL       a registry's base URL (http://, https://)",
                "  http-basic.NAME USER [PASS] its credentials; without PASS you are asked for it",
                "  trusted-keys.NAME FILE      require bundles from NAME to be signed by a key in FILE",
                "                              (ssh-ed25519 lines; see pkgr key generate, docs/signing.md)",
                "Settings live in CONFIG_DIR/config.json, credentials in CONFIG_DIR/credentials.json",
                "(mode 0600). CONFIG_DIR is $PKGR_CONFIG_DIR, else $XDG_CONFIG_HOME/pkgr, else",
                "~/.config/pkgr. The environment wins, each variable over its own field:",
                "PKGR_REPOSITORIES_<NAME>_URL, PKGR_HTTP_BASIC_<NAME>_USERNAME, …_PASSWORD,",
                "PKGR_TRUSTED_KEYS_<NAME>.",
        },
        footer = {
                "",
                "Examples:",
                "  pkgr config repositories.private https://pkgr.example.com/",
                "  pkgr config http-basic.private alice",
                "  echo \"$TOKEN\" | pkgr config http-basic.private ci --password-stdin",
                "  pkgr config trusted-keys.private ~/.config/pkgr/release-keys.pub",
                "  pkgr config --list",
                "  pkgr config --unset http-basic.private",
        })
public final class ConfigCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Mixin
    HelpOption help;

    @Parameters(index = "0", arity = "0..1", paramLabel = "KEY", description = "repositories.NAME or http-basic.NAME")
    String key;

    @Parameters(index = "1..*", arity = "0..2", paramLabel = "VALUE", description = "URL, or USER [PASS]")
    java.util.List<String> values = new java.util.ArrayList<>();

    @Option(names = "--list", description = "Show every setting (passwords masked)")
    boolean list;

    @Option(names = "--unset", description = "Remove KEY")
    boolean unset;

    @Option(names = "--password-stdin", description = "Read the password from stdin (for scripts)")
    boolean passwordStdin;

    private final CliContext context;

    public ConfigCommand(CliContext context) {
        this.context = context;
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        ConfigStore store = context.config();
        if (list) {
            Map<String, String> all = new TreeMap<>(store.config());
            store.credentials().forEach((k, v) -> all.put(k, k.endsWith(".password") ? "********" : v));
            all.forEach((k, v) -> out.println(k + " = " + v));
            out.flush();
            return ExitCode.OK;
        }
        if (key == null) {
            throw new CliException(ExitCode.USAGE, "pass a KEY (repositories.NAME, http-basic.NAME) or --list; see pkgr config --help");
        }
        String[] parts = key.split("\\.", 2);
        if (parts.length != 2 || !(parts[0].equals("repositories") || parts[0].equals("http-basic")
                || parts[0].equals("trusted-keys"))) {
            throw new CliException(ExitCode.USAGE, "unknown key '" + key
                    + "' (use repositories.NAME, http-basic.NAME or trusted-keys.NAME)");
        }
        String name = parts[1];
        ConfigStore.checkName(name);
        if (unset) {
            if (!store.unset(key)) {
                throw new CliException(ExitCode.NOT_FOUND, key + " is not set");
            }
            return ExitCode.OK;
        }
        if (parts[0].equals("trusted-keys")) {
            return trustedKeys(store, key, out);
        }
        if (parts[0].equals("repositories")) {
            if (values.isEmpty()) {
                String url = store.config().get(key + ".url");
                if (url == null) {
                    throw new CliException(ExitCode.NOT_FOUND, key + " is not set");
                }
                out.println(url);
                out.flush();
                return ExitCode.OK;
            }
            if (values.size() != 1) {
                throw new CliException(ExitCode.USAGE, "repositories.NAME takes one URL");
            }
            store.setRepository(name, values.get(0));
            return ExitCode.OK;
        }
        if (values.isEmpty()) {
            String user = store.credentials().get(key + ".username");
            if (user == null) {
                throw new CliException(ExitCode.NOT_FOUND, key + " is not set");
            }
            out.println(user + " ********");
            out.flush();
            return ExitCode.OK;
        }
        String user = values.get(0);
        String password = values.size() > 1 ? values.get(1)
                : new String(Secrets.read("Password for " + user + " on " + name + ": ", passwordStdin));
        store.setCredentials(name, user, password);
        return ExitCode.OK;
    }

    /** Shows or sets a repository's trusted keys file (absolute, checked now so a typo fails here, not at run time). */
    private int trustedKeys(ConfigStore store, String key, PrintWriter out) {
        if (values.isEmpty()) {
            String file = store.config().get(key);
            if (file == null) {
                throw new CliException(ExitCode.NOT_FOUND, key + " is not set");
            }
            out.println(file);
            out.flush();
            return ExitCode.OK;
        }
        if (values.size() != 1) {
            throw new CliException(ExitCode.USAGE, key + " takes one FILE");
        }
        java.nio.file.Path file = context.settings().resolve(values.get(0)).toAbsolutePath();
        io.pkgr.cli.sign.TrustedKeys.read(file);
        store.set(key, file.toString());
        return ExitCode.OK;
    }
}
