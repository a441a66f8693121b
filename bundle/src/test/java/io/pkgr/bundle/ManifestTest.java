package io.pkgr.bundle;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ManifestTest {

    static final String EXAMPLE = """
            name: churn-model            # compared PEP 503-normalised
            version: 1.4.0
            description: Train and score the churn model
            runtime: python
            python: ">=3.10"
            requirements:
              - requests==2.31.0
            include: ["src/**", "conf/*.yaml"]
            exclude: ["**/__pycache__/**"]
            entrypoints:
              train:
                command: ["python", "-m", "churn.train"]
                params:
                  start-date: {type: date, required: true}
                  epochs: {type: int, default: 10}
                  learning-rate: {type: float, default: 0.01}
                  mode: {type: enum, choices: [full, incremental], default: full}
                  extra: {type: json, default: {a: [1, 2]}}
            """;

    static Manifest parse(String yaml) {
        return Manifest.parseYaml("pkgr.yaml", yaml.getBytes(StandardCharsets.UTF_8));
    }

    static String error(String yaml) {
        BundleException e = assertThrows(BundleException.class, () -> parse(yaml));
        assertEquals(BundleException.Code.INVALID_MANIFEST, e.code());
        return e.getMessage();
    }

    @Test
    void readsEveryFieldOfTheArchitectureExample() {
        Manifest m = parse(EXAMPLE);

        assertEquals("churn-model", m.name().value());
        assertEquals(Version.parse("1.4.0"), m.version());
        assertEquals(Runtime.PYTHON, m.runtime());
        assertEquals(">=3.10", m.python());
        assertEquals(List.of("requests==2.31.0"), m.requirements());
        assertEquals(List.of("src/**", "conf/*.yaml"), m.include());
        Entrypoint train = m.entrypoint("train");
        assertEquals(List.of("python", "-m", "churn.train"), train.command());
        // sorted by name, as pkgr.json keeps them: the order pkgr run passes them in
        assertEquals(List.of("epochs", "extra", "learning-rate", "mode", "start-date"), List.copyOf(train.params().keySet()));
        assertEquals(new Param(ParamType.DATE, true, null, List.of(), ""), train.params().get("start-date"));
        assertEquals("10", train.params().get("epochs").defaultValue());
        assertEquals("{\"a\":[1,2]}", train.params().get("extra").defaultValue());
    }

    @Test
    void canonicalJsonHasSortedKeysAndRoundTrips() {
        Manifest m = parse(EXAMPLE);

        byte[] json = m.toCanonicalJson();
        Manifest back = Manifest.parseJson(json);

        String text = new String(json, StandardCharsets.UTF_8);
        assertTrue(text.startsWith("{\"dependencies\":[],\"description\":"), text);
        assertTrue(text.endsWith("}\n"));
        assertArrayEquals(json, back.toCanonicalJson());
        assertEquals(m.entrypoint("train").params().get("epochs"), back.entrypoint("train").params().get("epochs"));
    }

    @Test
    void reportsTheIssueExampleWithFileLineAndField() {
        String yaml = EXAMPLE.replace("epochs: {type: int, default: 10}", "epochs: {type: integer, default: 10}");

        assertEquals("pkgr.yaml:15: entrypoints.train.params.epochs.type: unknown type 'integer' (use int)", error(yaml));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "name: churn-model|name: -bad-|pkgr.yaml:1: name: invalid bundle name '-bad-'",
            "version: 1.4.0|version: 1.4|pkgr.yaml:2: version: invalid version '1.4'",
            "version: 1.4.0|version: v1.4.0|pkgr.yaml:2: version: invalid version 'v1.4.0'",
            "runtime: python|runtime: ruby|pkgr.yaml:4: runtime: unknown runtime 'ruby' (use python, jvm or exec)",
            "python: \">=3.10\"|python: \"three\"|pkgr.yaml:5: python: 'three' is not a version constraint",
            "  - requests==2.31.0|  - requests>=2|pkgr.yaml:7: requirements[0]: 'requests>=2' is not pinned (use requests==VERSION)",
            "include: [\"src/**\", \"conf/*.yaml\"]|include: [\"../secrets/**\"]|pkgr.yaml:8: include[0]: '../secrets/**' must be a relative pattern",
            "exclude: [\"**/__pycache__/**\"]|exclude: \"x\"|pkgr.yaml:9: exclude: expected a list, got a string",
            "    command: [\"python\", \"-m\", \"churn.train\"]|    command: []|pkgr.yaml:12: entrypoints.train.command: is empty",
            "    command: [\"python\", \"-m\", \"churn.train\"]|    command: python -m churn.train|pkgr.yaml:12: entrypoints.train.command: expected a list",
            "epochs: {type: int, default: 10}|epochs: {type: int, default: ten}|pkgr.yaml:15: entrypoints.train.params.epochs.default: 'ten' is not an int",
            "learning-rate: {type: float, default: 0.01}|learning-rate: {type: float, default: fast}|pkgr.yaml:16: entrypoints.train.params.learning-rate.default: 'fast' is not a float",
            "start-date: {type: date, required: true}|start-date: {type: date, required: yes-please}|pkgr.yaml:14: entrypoints.train.params.start-date.required: expected true or false",
            "start-date: {type: date, required: true}|start-date: {type: date, required: true, default: 2024-01-01}|pkgr.yaml:14: entrypoints.train.params.start-date.default: a required parameter cannot have a default",
            "start-date: {type: date, required: true}|start-date: {type: date, default: 2024-13-01}|pkgr.yaml:14: entrypoints.train.params.start-date.default: '2024-13-01' is not a date",
            "mode: {type: enum, choices: [full, incremental], default: full}|mode: {type: enum, default: full}|pkgr.yaml:17: entrypoints.train.params.mode.choices: an enum parameter needs",
            "mode: {type: enum, choices: [full, incremental], default: full}|mode: {type: enum, choices: [full], default: half}|pkgr.yaml:17: entrypoints.train.params.mode.default: 'half' is not one of full",
            "mode: {type: enum, choices: [full, incremental], default: full}|mode: {type: string, choices: [a]}|pkgr.yaml:17: entrypoints.train.params.mode.choices: only applies to type enum",
            "  train:|  Train!:|pkgr.yaml:11: entrypoints.Train!: invalid entrypoint name",
            "description: Train and score the churn model|descripton: x|pkgr.yaml:3: descripton: unknown field (did you mean 'description'?)",
            "      epochs: {type: int, default: 10}|      epochs: {type: int, defualt: 10}|pkgr.yaml:15: entrypoints.train.params.epochs.defualt: unknown field (did you mean 'default'?)",
    })
    void everyInvalidFieldIsReportedWithItsLine(String original, String replacement, String expected) {
        String yaml = EXAMPLE.replace(original, replacement);
        assertTrue(!yaml.equals(EXAMPLE), "test setup: replacement applied");

        String message = error(yaml);

        assertTrue(message.startsWith(expected), "expected prefix <" + expected + "> but was <" + message + ">");
    }

    @Test
    void missingRequiredFieldsAreAllReported() {
        String message = error("description: nothing else\n");

        assertTrue(message.contains("pkgr.yaml:1: name: missing"), message);
        assertTrue(message.contains("pkgr.yaml:1: version: missing"), message);
        assertTrue(message.contains("pkgr.yaml:1: runtime: missing"), message);
        assertTrue(message.contains("pkgr.yaml:1: entrypoints: missing"), message);
    }

    @Test
    void syntaxErrorsNameTheLine() {
        String message = error("name: a\nversion: 1.0.0\nentrypoints: [unclosed\n");

        assertTrue(message.startsWith("pkgr.yaml:"), message);
        assertTrue(message.contains("not valid syntax"), message);
    }

    @Test
    void duplicateKeysAreRejected() {
        assertEquals("pkgr.yaml:2: duplicate key 'name'", error("name: a\nname: b\n"));
    }

    @Test
    void emptyFileAndNonMappingAreRejected() {
        assertTrue(error("").contains("empty"));
        assertTrue(error("- a\n- b\n").contains("expected a mapping"));
    }

    @Test
    void requirementsOnlyApplyToPythonAndDependenciesOnlyToJvm() {
        String jvm = EXAMPLE.replace("runtime: python", "runtime: jvm").replace("python: \">=3.10\"\n", "");

        assertTrue(error(jvm).contains("requirements: only applies to runtime python"));
    }

    @Test
    void jvmDependenciesMustBePinnedCoordinates() {
        String yaml = """
                name: scorer
                version: 0.1.0
                runtime: jvm
                dependencies:
                  - com.fasterxml.jackson.core:jackson-databind:[2.0,3.0)
                entrypoints:
                  score: {command: [java, Main]}
                """;

        assertTrue(error(yaml).startsWith("pkgr.yaml:5: dependencies[0]: 'com.fasterxml.jackson.core:jackson-databind:[2.0,3.0)'"
                + " is not a pinned Maven coordinate"));
    }

    @Test
    void includeDefaultsToEverything() {
        Manifest m = parse("name: a\nversion: 1.0.0\nruntime: exec\nentrypoints:\n  hello: {command: [sh, hello.sh]}\n");

        assertEquals(List.of("**"), m.include());
        assertNull(m.python());
    }

    @Test
    void pkgrJsonWithOtherFormatIsRefused() {
        String json = new String(parse(EXAMPLE).toCanonicalJson(), StandardCharsets.UTF_8).replace("\"format\":1", "\"format\":2");

        BundleException e = assertThrows(BundleException.class, () -> Manifest.parseJson(json.getBytes(StandardCharsets.UTF_8)));

        assertTrue(e.getMessage().contains("unsupported bundle format 2"), e.getMessage());
    }

    @Test
    void argumentsAreCheckedTypedAndDefaulted() {
        Entrypoint train = parse(EXAMPLE).entrypoint("train");

        List<String> args = train.arguments(Map.of("start-date", "2024-05-01", "learning-rate", "0.5"));

        // a python bundle's default style is fire's: text values are quoted so that Fire keeps them strings
        assertEquals(List.of("--epochs=10", "--extra={\"a\":[1,2]}", "--learning-rate=0.5", "--mode='full'",
                "--start-date='2024-05-01'"), args);
    }

    @Test
    void argumentsComeInTheSameOrderFromPkgrYamlAndFromPkgrJson() {
        Manifest fromYaml = parse(EXAMPLE);
        Manifest fromJson = Manifest.parseJson(fromYaml.toCanonicalJson());
        Map<String, String> given = Map.of("start-date", "2024-05-01");

        List<String> yamlArgs = fromYaml.entrypoint("train").arguments(given);
        List<String> jsonArgs = fromJson.entrypoint("train").arguments(given);

        assertEquals(jsonArgs, yamlArgs);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "2024-05-01T00:00:00+00:00",
            "2024-05-01T00:00:00.123456+02:00",
            "2024-05-01 00:00:00+00:00",
            "2024-05-01T00:00:00Z",
            "2024-05-01T13:45:00",
    })
    void datetimeParametersArePassedExactlyAsGiven(String value) {
        Entrypoint ep = parse(WITH_BOOLS.replace("runtime: python", "runtime: exec")).entrypoint("main");

        List<String> args = ep.arguments(Map.of("as-of", value));

        assertEquals("--as-of=" + value, args.get(0));
    }

    @Test
    void aDatetimeThatIsNotIsoIsRefused() {
        Entrypoint ep = parse(WITH_BOOLS).entrypoint("main");

        BundleException e = assertThrows(BundleException.class, () -> ep.arguments(Map.of("as-of", "2024-05-01T25:00:00Z")));

        assertTrue(e.getMessage().startsWith("parameter --as-of: '2024-05-01T25:00:00Z' is not a datetime"), e.getMessage());
    }

    static final String WITH_BOOLS = """
            name: bools
            version: 1.0.0
            runtime: python
            entrypoints:
              main:
                command: ["python", "-m", "x"]
                params:
                  as-of: {type: datetime}
                  dry-run: {type: bool, default: true}
            """;

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "python||true|--dry-run=True",
            "python||false|--dry-run=False",
            "exec||false|--dry-run=false",
            "jvm||yes|--dry-run=true",
            "python|fire|no|--dry-run=False",
            "python|flag|true|--dry-run",
            "python|flag|false|--no-dry-run",
            "python|switch|true|--dry-run",
            "python|switch|false|",
            "python|value|off|--dry-run=false",
            "exec|fire|on|--dry-run=True",
    })
    void boolParametersAreWrittenInTheEntrypointsStyle(String runtime, String style, String given, String expected) {
        String yaml = WITH_BOOLS.replace("runtime: python", "runtime: " + runtime);
        if (style != null) {
            yaml = yaml.replace("    command:", "    booleans: " + style + "\n    command:");
        }
        Entrypoint ep = Manifest.parseJson(parse(yaml).toCanonicalJson()).entrypoint("main");

        List<String> args = ep.arguments(Map.of("dry-run", given));

        assertEquals(expected == null ? List.of() : List.of(expected), args);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
            "python||12345|--as-of='12345'",
            "python|fire|None|--as-of='None'",
            "python||it's a \\ path|--as-of='it\\'s a \\\\ path'",
            "python|flag|12345|--as-of=12345",
            "python|value|None|--as-of=None",
            "exec||it's|--as-of=it's",
    })
    void fireStyleQuotesStringValuesSoFireReadsThemAsStrings(String runtime, String style, String given, String expected) {
        String yaml = WITH_BOOLS.replace("runtime: python", "runtime: " + runtime).replace("{type: datetime}", "{type: string}");
        if (style != null) {
            yaml = yaml.replace("    command:", "    booleans: " + style + "\n    command:");
        }
        Entrypoint ep = Manifest.parseJson(parse(yaml).toCanonicalJson()).entrypoint("main");

        List<String> args = ep.arguments(Map.of("as-of", given));

        assertEquals(expected, args.get(0));
    }

    @Test
    void aPythonStringLiteralEscapesWhatReprEscapes() {
        assertEquals("'a\\nb\\tc\\x01\\'\\\\ é'", BoolStyle.pythonString("a\nb\tc\u0001'\\ é"));
    }

    @Test
    void anUnknownBoolStyleIsRefusedWithTheKnownOnes() {
        String message = error(WITH_BOOLS.replace("    command:", "    booleans: Flags\n    command:"));

        assertTrue(message.startsWith("pkgr.yaml:6: entrypoints.main.booleans: unknown style 'Flags' (use fire, flag,"
                + " switch, value"), message);
    }

    @Test
    void theDefaultBoolStyleIsLeftOutOfPkgrJsonSoOlderReadersStillReadIt() {
        String plain = new String(parse(WITH_BOOLS).toCanonicalJson(), StandardCharsets.UTF_8);
        String flag = new String(parse(WITH_BOOLS.replace("    command:", "    booleans: flag\n    command:"))
                .toCanonicalJson(), StandardCharsets.UTF_8);
        String explicitDefault = new String(parse(WITH_BOOLS.replace("    command:", "    booleans: fire\n    command:"))
                .toCanonicalJson(), StandardCharsets.UTF_8);

        assertTrue(!plain.contains("booleans"), plain);
        assertEquals(plain, explicitDefault);
        assertTrue(flag.contains("\"booleans\":\"flag\""), flag);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "epochs=ten|parameter --epochs: 'ten' is not an int",
            "start-date=|parameter --start-date: '' is not a date (use YYYY-MM-DD)",
            "epoch=3|unknown parameter --epoch (did you mean --epochs?)",
            "mode=half|parameter --mode: 'half' is not one of full, incremental",
    })
    void badArgumentsNameTheParameter(String given, String expected) {
        Entrypoint train = parse(EXAMPLE).entrypoint("train");
        String[] kv = given.split("=", 2);
        Map<String, String> args = new java.util.HashMap<>(Map.of("start-date", "2024-05-01"));
        args.put(kv[0], kv[1]);

        BundleException e = assertThrows(BundleException.class, () -> train.arguments(args));

        assertEquals(BundleException.Code.INVALID_PARAM, e.code());
        assertEquals(expected, e.getMessage());
    }

    @Test
    void missingRequiredArgumentIsNamed() {
        BundleException e = assertThrows(BundleException.class, () -> parse(EXAMPLE).entrypoint("train").arguments(Map.of()));

        assertEquals("missing required parameter --start-date (date)", e.getMessage());
    }

    @Test
    void unknownEntrypointListsTheKnownOnes() {
        BundleException e = assertThrows(BundleException.class, () -> parse(EXAMPLE).entrypoint("score"));

        assertTrue(e.getMessage().contains("has no entrypoint 'score' (it has: train)"), e.getMessage());
    }
}
