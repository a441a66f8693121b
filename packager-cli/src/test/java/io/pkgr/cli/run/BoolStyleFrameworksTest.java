package io.pkgr.cli.run;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Bool and string parameters reach real CLI libraries as meant: one python bundle vendors Fire,
 * click and typer (wheels made at test time from Debian's python3-fire, python3-click and
 * python3-typer at the versions installed, since there is no PyPI here) and has one entrypoint per
 * library, each reporting what it parsed.
 */
class BoolStyleFrameworksTest extends RegistryTest {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path SITE = Path.of("/usr/lib/python3/dist-packages");

    private static final String YAML = """
            name: bool-clis
            version: 1.0.0
            runtime: python
            python: ">=3.9"
            requirements: %s
            include: ["clis/**"]
            entrypoints:
              fire:
                command: ["python", "-m", "clis.fire_cli"]
                params: {dry-run: {type: bool, default: false}, id: {type: string}}
              click:
                command: ["python", "-m", "clis.click_cli"]
                booleans: flag
                params: {dry-run: {type: bool, default: false}, id: {type: string}}
              typer:
                command: ["python", "-m", "clis.typer_cli"]
                booleans: flag
                params: {dry-run: {type: bool, default: false}, id: {type: string}}
              argparse-optional:
                command: ["python", "-m", "clis.argparse_cli", "optional"]
                booleans: flag
                params: {dry-run: {type: bool, default: false}, id: {type: string}}
              argparse-store-true:
                command: ["python", "-m", "clis.argparse_cli", "store_true"]
                booleans: switch
                params: {dry-run: {type: bool, default: false}, id: {type: string}}
            """;

    private static final Map<String, String> CLIS = Map.of(
            "clis/__init__.py", """
                    import json, os
                    def report(dry_run, id=None):
                        with open(os.environ["PKGR_OUTPUT"], "w") as f:
                            json.dump({"dry_run": dry_run, **({} if id is None else {"id": id})}, f)
                    """,
            "clis/fire_cli.py", """
                    import fire
                    from clis import report
                    def main(dry_run: bool = False, id=None):
                        report(dry_run, id)
                    fire.Fire(main)
                    """,
            "clis/click_cli.py", """
                    import click
                    from clis import report
                    @click.command()
                    @click.option("--dry-run/--no-dry-run", default=False)
                    @click.option("--id")
                    def main(dry_run, id):
                        report(dry_run, id)
                    main()
                    """,
            "clis/typer_cli.py", """
                    import typer
                    from typing import Optional
                    from clis import report
                    def main(dry_run: bool = False, id: Optional[str] = None):
                        report(dry_run, id)
                    typer.run(main)
                    """,
            "clis/argparse_cli.py", """
                    import argparse, sys
                    from clis import report
                    parser = argparse.ArgumentParser()
                    if sys.argv.pop(1) == "optional":
                        parser.add_argument("--dry-run", action=argparse.BooleanOptionalAction, default=False)
                    else:
                        parser.add_argument("--dry-run", action="store_true")
                    parser.add_argument("--id")
                    args = parser.parse_args()
                    report(args.dry_run, args.id)
                    """);

    private static final List<String> ENTRYPOINTS = List.of("fire", "click", "typer", "argparse-optional",
            "argparse-store-true");

    /** Builds and publishes the bundle from Debian's installed Fire, click and typer (and Fire's six and termcolor). */
    private void publishClis() throws IOException {
        Path wheels = tmp.resolve("wheels");
        Map<String, List<String>> requires = new LinkedHashMap<>();
        requires.put("fire", List.of("six", "termcolor"));
        requires.put("six", List.of());
        requires.put("termcolor", List.of());
        requires.put("click", List.of());
        requires.put("typer", List.of("click"));
        List<String> pins = new java.util.ArrayList<>();
        for (Map.Entry<String, List<String>> d : requires.entrySet()) {
            String version = installedVersion(d.getKey());
            String top = Files.isDirectory(SITE.resolve(d.getKey())) ? d.getKey() : d.getKey() + ".py";
            siteWheel(wheels, d.getKey(), version, d.getValue(), top);
            pins.add("\"" + d.getKey() + "==" + version + "\"");
        }
        registry.buildAndPublish(registry.project("bool-clis", YAML.formatted("[" + String.join(", ", pins) + "]"), CLIS),
                "--find-links", wheels.toString(), "--python", Registry.SYSTEM_PYTHON);
    }

    /** The version Debian installed, from the name of its dist-info or egg-info directory. */
    private static String installedVersion(String name) throws IOException {
        try (Stream<Path> list = Files.list(SITE)) {
            return list.map(p -> p.getFileName().toString())
                    .filter(f -> f.startsWith(name + "-") && (f.endsWith(".dist-info") || f.endsWith(".egg-info")))
                    .map(f -> f.substring(name.length() + 1, f.lastIndexOf('.')).replaceFirst("-py\\d.*$", ""))
                    .findFirst().orElseThrow(() -> new IllegalStateException("Debian's python3-" + name + " is not installed"));
        }
    }

    @Test
    void boolParametersArriveAsMeantInFireClickTyperAndArgparse() throws Exception {
        publishClis();
        Map<String, String> expected = new LinkedHashMap<>();
        Map<String, String> parsed = new LinkedHashMap<>();

        Registry.Result install = registry.pkgr("install", "-v", "bool-clis==1.0.0");
        for (String entrypoint : ENTRYPOINTS) {
            for (String value : List.of("true", "false")) {
                Registry.Result r = registry.pkgr("run", "bool-clis==1.0.0", entrypoint, "--dry-run=" + value);
                parsed.put(entrypoint + " --dry-run=" + value, r.exitCode() == 0 ? r.lastLine() : "exit " + r.exitCode());
                expected.put(entrypoint + " --dry-run=" + value, "{\"dry_run\":" + value + "}");
            }
        }

        assertEquals(0, install.exitCode(), install.err());
        assertTrue(install.err().contains("pkgr: python: " + Registry.SYSTEM_PYTHON + " (Python 3."), install.err());
        assertEquals(expected, parsed);
    }

    @Test
    void stringValuesThatLookLikePythonLiteralsArriveAsTheExactStringEverywhere() throws Exception {
        publishClis();
        Map<String, String> expected = new LinkedHashMap<>();
        Map<String, String> parsed = new LinkedHashMap<>();

        for (String entrypoint : ENTRYPOINTS) {
            for (String value : List.of("12345", "1e3", "None", "it's \"q\" a\\b")) {
                Registry.Result r = registry.pkgr("run", "bool-clis==1.0.0", entrypoint, "--id=" + value);
                parsed.put(entrypoint + " --id=" + value, r.exitCode() == 0 ? r.lastLine() : "exit " + r.exitCode() + r.err());
                expected.put(entrypoint + " --id=" + value, JSON.createObjectNode().put("dry_run", false).put("id", value)
                        .toString());
            }
        }

        assertEquals(expected, parsed);
    }

    /** A wheel of a distribution Debian installed, made of its installed files. */
    private static void siteWheel(Path wheels, String name, String version, List<String> requires, String top)
            throws IOException {
        Map<String, byte[]> files = new LinkedHashMap<>();
        Path source = SITE.resolve(top);
        try (Stream<Path> walk = Files.walk(source)) {
            for (Path p : walk.filter(Files::isRegularFile).sorted().toList()) {
                String rel = SITE.relativize(p).toString();
                if (!rel.contains("__pycache__") && !rel.endsWith("_test.py")) {
                    files.put(rel, Files.readAllBytes(p));
                }
            }
        }
        Wheels.write(wheels, name, version, requires, files);
    }
}
