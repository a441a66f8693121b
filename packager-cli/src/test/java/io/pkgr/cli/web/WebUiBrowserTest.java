package io.pkgr.cli.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.pkgr.cli.Main;
import io.pkgr.cli.Settings;
import io.pkgr.registry.RegistryServer;
import io.pkgr.registry.ServerConfig;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.NoAlertPresentException;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import picocli.CommandLine;

/**
 * The web UI in Debian's chromium (driven by chromium-driver) against a real registry with real
 * htpasswd users and access rules; the run line copied from a page is run with the real CLI.
 * Screenshots of every page at desktop and phone width go to {@code target/web-ui-screenshots/}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WebUiBrowserTest {

    private static final String PASSWORD = "s3cret-pass";
    private static final String XSS = "<script>window.__xss=1</script><img src=x onerror=\"window.__xss=2\">"
            + " <a href=\"javascript:window.__xss=3\">docs</a>";
    private static final Path SHOTS = Path.of("target", "web-ui-screenshots");

    @TempDir
    static Path home;

    private RegistryServer server;
    private String base;
    private ChromeDriver browser;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private Path ranFile;

    @BeforeAll
    void startRegistryAndBrowser() throws Exception {
        Path etc = Files.createDirectories(home.resolve("etc"));
        Path htpasswd = etc.resolve("htpasswd");
        for (String user : List.of("alice", "reader", "outsider")) {
            htpasswd(htpasswd, user);
        }
        Files.writeString(etc.resolve("access.yaml"), """
                rules:
                  - bundles: ["*"]
                    users: [alice]
                    allow: [publish, yank]
                  - bundles: ["*"]
                    users: [reader]
                    allow: [read]
                  - bundles: ["other-*"]
                    users: [outsider]
                    allow: [read]
                """);
        server = new RegistryServer(ServerConfig.defaults().withDataDir(home.resolve("data")).withPort(0)
                .withHost("127.0.0.1").withHtpasswd(htpasswd).withAccessFile(etc.resolve("access.yaml")),
                new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)).start();
        base = "http://127.0.0.1:" + server.port() + "/";
        ranFile = home.resolve("ran.txt");
        publishFixtures();
        browser = startBrowser();
        Files.createDirectories(SHOTS);
    }

    @AfterAll
    void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (server != null) {
            server.stop();
        }
    }

    @BeforeEach
    void loggedOut() {
        browser.manage().deleteAllCookies();
    }

    // ---- the reader's path: log in, search, open, switch versions, copy, run ----------------

    @Test
    void aReaderLogsInSearchesOpensABundleSwitchesVersionsAndTheCopiedRunLineRuns() throws Exception {
        logIn("alice");
        screenshots("home");

        search("churn");
        screenshots("search");
        browser.findElement(By.linkText("churn-model")).click();
        assertEquals("churn-model 1.0.0", heading(), "the bundle page opens on the latest release");
        List<String> versions = browser.findElements(By.cssSelector(".versions li")).stream().map(WebElement::getText).toList();
        assertTrue(versions.get(0).startsWith("1.1.0-rc.1 pre-release"), versions.toString());
        assertTrue(versions.get(1).startsWith("1.0.0 latest"), versions.toString());
        assertTrue(versions.get(2).startsWith("0.9.0 yanked: wrote the wrong table"), versions.toString());
        screenshots("bundle");

        browser.findElement(By.linkText("1.1.0-rc.1")).click();
        assertEquals("churn-model 1.1.0-rc.1 pre-release", heading());
        browser.findElement(By.linkText("1.0.0")).click();
        assertEquals("churn-model 1.0.0", heading());

        String shown = browser.findElement(By.id("ep-train-s0")).getText();
        assertEquals("pkgr run churn-model==1.0.0 train --day=2024-05-01", shown);
        String copied = copy("ep-train-s0");
        assertEquals(shown, copied, "the Copy button copies the line as shown");

        Result run = pkgr("alice", words(copied));
        assertEquals(0, run.exitCode(), run.err());
        assertEquals("1.0.0 --day=2024-05-01 --epochs=10", Files.readString(ranFile).strip(), "what ran is what the line pins");

        String byDigest = copy("ep-train-s1");
        assertTrue(byDigest.startsWith("pkgr run churn-model@sha256:"), byDigest);
        Files.delete(ranFile);
        Result pinned = pkgr("alice", words(byDigest));
        assertEquals(0, pinned.exitCode(), pinned.err());
        assertEquals("1.0.0 --day=2024-05-01 --epochs=10", Files.readString(ranFile).strip());

        assertEquals("tasks:\n  train: {bundle: churn-model==1.0.0, entrypoint: train}",
                browser.findElement(By.id("ep-train-s2")).getText());
        assertEquals("BashOperator(task_id=\"train\", bash_command=\"pkgr run churn-model==1.0.0 train --day={{ ds }}\")",
                browser.findElement(By.id("ep-train-s3")).getText());
        assertTrue(browser.findElement(By.id("ep-train-s4")).getText().contains(
                "arguments=[\"run\", \"--output-file\", \"/airflow/xcom/return.json\", \"churn-model==1.0.0\", \"train\", \"--day={{ ds }}\"]"));
    }

    @Test
    void theBundlePageShowsTheVersionsDetailsAndTypedParameters() {
        logIn("reader");
        open("ui/bundles/churn-model/1.0.0");
        String facts = browser.findElement(By.cssSelector("dl.facts")).getText();
        assertTrue(facts.contains("sha256"), facts);
        assertTrue(facts.contains("Publisher\nalice") || facts.contains("Publisher alice"), facts);
        assertTrue(facts.contains("exec"), facts);
        String params = browser.findElement(By.cssSelector("table.params")).getText();
        assertTrue(params.contains("--day date — yes The day to train on"), params);
        assertTrue(params.contains("--epochs int 10 no"), params);
        assertTrue(browser.findElement(By.id("files-h")).isDisplayed());
        assertTrue(browser.getPageSource().contains("files/bin/train.sh"));
    }

    @Test
    void aPypiProjectPageListsFilesWithHashesAndInstallLines() {
        logIn("reader");
        search("tinylib");
        browser.findElement(By.linkText("tinylib")).click();
        assertEquals("tinylib", heading());
        String pip = browser.findElement(By.id("pip")).getText();
        assertEquals("pip install --index-url " + base + "simple/ tinylib==0.2.0", pip);
        String table = browser.findElement(By.cssSelector("table.files")).getText();
        assertTrue(table.contains("tinylib-0.2.0-py3-none-any.whl"), table);
        assertTrue(table.contains("yanked: superseded"), table);
        screenshots("pypi-project");
    }

    // ---- yank: allowed users only, and only through the form with its token ------------------

    @Test
    void anAllowedUserYanksAndUnyanksFromThePage() throws Exception {
        logIn("alice");
        open("ui/bundles/churn-model/1.1.0-rc.1");
        browser.findElement(By.id("reason")).sendKeys("the rc scored badly");
        browser.findElement(By.cssSelector("form.yank button")).click();
        assertEquals("churn-model 1.1.0-rc.1 pre-release yanked: the rc scored badly", heading());
        assertTrue(apiRecord("churn-model", "1.1.0-rc.1").contains("\"yank_reason\":\"the rc scored badly\""));
        screenshots("bundle-yanked");

        browser.findElement(By.cssSelector("form.yank button")).click();
        assertEquals("churn-model 1.1.0-rc.1 pre-release", heading());
        assertTrue(apiRecord("churn-model", "1.1.0-rc.1").contains("\"yanked\":false"));
    }

    @Test
    void aReadOnlyUserGetsNoYankFormAndAForgedPostIsRefusedWithNothingChanged() throws Exception {
        logIn("reader");
        open("ui/bundles/churn-model/1.0.0");
        assertTrue(browser.findElements(By.cssSelector("form.yank")).isEmpty(), "no yank form for a reader");
        String csrf = browser.findElement(By.cssSelector("form[action$='ui/logout'] input[name=csrf]")).getAttribute("value");
        String cookie = browser.manage().getCookieNamed("pkgr_session").getValue();
        String before = apiRecord("churn-model", "1.0.0");

        HttpResponse<String> response = postForm("ui/bundles/churn-model/1.0.0/yank", cookie,
                Map.of("csrf", csrf, "action", "yank", "reason", "not mine"));

        assertEquals(403, response.statusCode());
        assertTrue(response.body().contains("reader may not yank churn-model"), response.body());
        assertEquals(before, apiRecord("churn-model", "1.0.0"));
    }

    @Test
    void aYankWithoutTheFormsTokenIsRefusedWithNothingChanged() throws Exception {
        logIn("alice");
        String cookie = browser.manage().getCookieNamed("pkgr_session").getValue();
        String before = apiRecord("churn-model", "1.0.0");

        HttpResponse<String> noToken = postForm("ui/bundles/churn-model/1.0.0/yank", cookie,
                Map.of("action", "yank", "reason", "forged"));
        HttpResponse<String> wrongToken = postForm("ui/bundles/churn-model/1.0.0/yank", cookie,
                Map.of("csrf", "guess", "action", "yank", "reason", "forged"));

        assertEquals(403, noToken.statusCode());
        assertTrue(noToken.body().contains("did not come from this registry"), noToken.body());
        assertEquals(403, wrongToken.statusCode());
        assertEquals(before, apiRecord("churn-model", "1.0.0"));
    }

    @Test
    void theSessionCookieIsHttpOnlyAndSameSiteStrict() throws Exception {
        HttpResponse<String> login = postForm("ui/login", null, Map.of("user", "reader", "password", PASSWORD));
        String setCookie = login.headers().firstValue("Set-Cookie").orElseThrow();
        assertEquals(303, login.statusCode());
        assertTrue(setCookie.startsWith("pkgr_session="), setCookie);
        assertTrue(setCookie.contains("HttpOnly"), setCookie);
        assertTrue(setCookie.contains("SameSite=Strict"), setCookie);

        HttpResponse<String> wrong = postForm("ui/login", null, Map.of("user", "reader", "password", "nope"));
        assertEquals(401, wrong.statusCode());
        assertTrue(wrong.body().contains("Wrong user or password."));
        assertTrue(wrong.headers().firstValue("Set-Cookie").isEmpty());
    }

    // ---- access: what a user may not read does not exist for them ----------------------------

    @Test
    void aUserWithoutReadAccessNeitherFindsNorOpensAName() {
        logIn("outsider");
        search("churn");
        assertTrue(browser.findElements(By.linkText("churn-model")).isEmpty());
        search("other");
        assertFalse(browser.findElements(By.linkText("other-thing")).isEmpty());

        open("ui/bundles/churn-model");
        assertEquals("Not found", heading());
        open("ui/bundles/no-such-bundle");
        assertEquals("Not found", heading(), "unreadable and unknown look the same");
        open("ui/pypi/tinylib");
        assertEquals("Not found", heading());
        open("");
        assertFalse(browser.getPageSource().contains("churn-model"), "recent publishes hide what the user may not read");
    }

    @Test
    void anAnonymousVisitorIsSentToTheLoginPage() {
        open("ui/bundles/churn-model/1.0.0");
        assertEquals("Log in", heading());
        screenshots("login");
        browser.findElement(By.id("user")).sendKeys("reader");
        browser.findElement(By.id("password")).sendKeys(PASSWORD);
        browser.findElement(By.cssSelector("form.login button")).click();
        assertEquals("churn-model 1.0.0", heading(), "after the login the page asked for opens");
    }

    // ---- nothing published runs as code ------------------------------------------------------

    @Test
    void storedScriptInDescriptionsDoesNotExecute() {
        logIn("alice");
        open("ui/bundles/xss-demo/1.0.0");
        screenshots("bundle-xss");
        assertNoAlert();
        assertNull(browser.executeScript("return window.__xss;"));
        assertTrue(browser.findElement(By.cssSelector("p.description")).getText().contains("<script>window.__xss=1</script>"),
                "the description is shown as text");
        assertTrue(browser.findElements(By.cssSelector("main a[href^='javascript']")).isEmpty());
        assertTrue(browser.findElements(By.cssSelector("main script, main img")).isEmpty());
        browser.findElement(By.cssSelector("article.entrypoint p.description")).click();
        assertNoAlert();
        assertNull(browser.executeScript("return window.__xss;"));

        search("<script>window.__xss=1</script>");
        assertNoAlert();
        assertNull(browser.executeScript("return window.__xss;"));
    }

    @Test
    void pagesSendAStrictContentSecurityPolicyAndApiClientsStillGetJson() throws Exception {
        HttpResponse<String> page = http.send(HttpRequest.newBuilder(URI.create(base)).header("Accept", "text/html").build(),
                HttpResponse.BodyHandlers.ofString());
        String csp = page.headers().firstValue("Content-Security-Policy").orElseThrow();
        assertTrue(csp.contains("script-src 'self'") && csp.contains("default-src 'none'") && !csp.contains("unsafe-inline"), csp);
        assertFalse(page.body().contains("<script>"), "no inline script");

        HttpResponse<String> api = http.send(HttpRequest.newBuilder(URI.create(base)).header("Accept", "application/json").build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, api.statusCode());
        assertTrue(api.headers().firstValue("Content-Type").orElseThrow().startsWith("application/json"));
        HttpResponse<String> simple = http.send(HttpRequest.newBuilder(URI.create(base + "simple/tinylib/"))
                .header("Authorization", basic("reader")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, simple.statusCode());
        assertTrue(simple.body().contains("tinylib-0.2.0-py3-none-any.whl"));
    }

    @Test
    void theKeyboardReachesSearchAndTheSkipLinkFirst() {
        logIn("reader");
        open("ui/bundles/churn-model/1.0.0");
        browser.findElement(By.tagName("body")).sendKeys(org.openqa.selenium.Keys.TAB);
        WebElement first = browser.switchTo().activeElement();
        assertEquals("Skip to content", first.getText());
        assertEquals(1, browser.findElements(By.tagName("main")).size());
        assertEquals(1, browser.findElements(By.cssSelector("nav[aria-label]")).size());
        for (WebElement input : browser.findElements(By.cssSelector("input:not([type=hidden])"))) {
            String id = input.getAttribute("id");
            assertFalse(browser.findElements(By.cssSelector("label[for='" + id + "']")).isEmpty(), "label for " + id);
        }
    }

    // ---- fixtures ----------------------------------------------------------------------------

    private void publishFixtures() throws Exception {
        publish("churn-model", "0.9.0", "Train the churn model");
        publish("churn-model", "1.0.0", "Train the churn model\nand score it.");
        publish("churn-model", "1.1.0-rc.1", "Train the churn model (release candidate)");
        publish("xss-demo", "1.0.0", XSS);
        publish("other-thing", "1.0.0", "Something the outsider may read");
        Result yank = pkgr("alice", "yank", "churn-model==0.9.0", "--reason", "wrote the wrong table");
        assertEquals(0, yank.exitCode(), yank.err());

        Path wheels = wheel("tinylib", "0.1.0");
        wheel("tinylib", "0.2.0");
        for (String file : List.of("tinylib-0.1.0-py3-none-any.whl", "tinylib-0.2.0-py3-none-any.whl")) {
            twine(wheels.resolve(file));
        }
        HttpResponse<String> yanked = http.send(HttpRequest.newBuilder(URI.create(base
                        + "api/v1/pypi/tinylib/tinylib-0.1.0-py3-none-any.whl/yank"))
                .header("Authorization", basic("alice")).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"reason\":\"superseded\"}")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, yanked.statusCode(), yanked.body());
    }

    private void publish(String name, String version, String description) throws IOException {
        Path dir = Files.createDirectories(home.resolve("projects/" + name + "-" + version));
        String entrypointDescription = name.equals("xss-demo") ? XSS : "Train and write the model";
        Files.writeString(dir.resolve("pkgr.yaml"), """
                name: %s
                version: %s
                description: %s
                runtime: exec
                include: ["bin/**"]
                entrypoints:
                  train:
                    description: %s
                    command: ["bin/train.sh"]
                    params:
                      day: {type: date, required: true, description: "The day to train on"}
                      epochs: {type: int, default: 10, description: "%s"}
                """.formatted(name, version, yaml(description), yaml(entrypointDescription),
                name.equals("xss-demo") ? "<b onmouseover=alert(1)>x</b>" : "Passes over the data"));
        Path script = dir.resolve("bin/train.sh");
        Files.createDirectories(script.getParent());
        Files.writeString(script, "#!/bin/sh\necho \"$PKGR_VERSION $*\" > '" + ranFile + "'\n");
        script.toFile().setExecutable(true);
        Result build = pkgr("alice", dir, "build");
        assertEquals(0, build.exitCode(), build.err());
        Result publish = pkgr("alice", dir, "publish", "-r", "local");
        assertEquals(0, publish.exitCode(), publish.err());
    }

    private static String yaml(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
    }

    private Path wheel(String name, String version) throws IOException, InterruptedException {
        Path src = Files.createDirectories(home.resolve("wheel-src/" + name + "-" + version));
        Files.createDirectories(src.resolve(name));
        Files.writeString(src.resolve(name + "/__init__.py"), "VERSION = '" + version + "'\n");
        Files.writeString(src.resolve("setup.py"), "from setuptools import setup\nsetup(name='" + name + "', version='"
                + version + "', packages=['" + name + "'], python_requires='>=3.8')\n");
        Path wheels = Files.createDirectories(home.resolve("wheels"));
        run(List.of("/usr/bin/python3", "-m", "pip", "--isolated", "wheel", "--no-deps", "--no-build-isolation",
                "--no-index", "-w", wheels.toString(), src.toString()), Map.of());
        return wheels;
    }

    private void twine(Path file) throws IOException, InterruptedException {
        run(List.of("/usr/bin/python3", "-m", "twine", "upload", "--non-interactive", "--disable-progress-bar",
                "--repository-url", base + "legacy/", "-u", "alice", "-p", PASSWORD, file.toString()),
                Map.of("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring"));
    }

    private static void run(List<String> command, Map<String, String> env) throws IOException, InterruptedException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().putAll(env);
        Process p = pb.start();
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(120, TimeUnit.SECONDS) || p.exitValue() != 0) {
            throw new IllegalStateException(command + " failed:\n" + out);
        }
    }

    private static void htpasswd(Path file, String user) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of("htpasswd", "-b", "-B"));
        if (!Files.exists(file)) {
            command.add("-c");
        }
        command.addAll(List.of(file.toString(), user, PASSWORD));
        run(command, Map.of());
    }

    // ---- the CLI ------------------------------------------------------------------------------

    record Result(int exitCode, String out, String err) {
    }

    private Result pkgr(String user, String... args) {
        return pkgr(user, home, args);
    }

    private Result pkgr(String user, Path workingDir, String... args) {
        Map<String, String> env = new HashMap<>();
        env.put("PATH", System.getenv("PATH"));
        env.put("HOME", home.toString());
        env.put("PKGR_CONFIG_DIR", home.resolve("config-" + user).toString());
        env.put("PKGR_CACHE_DIR", home.resolve("cache").toString());
        env.put("PKGR_REPOSITORIES_LOCAL_URL", base);
        env.put("PKGR_HTTP_BASIC_LOCAL_USERNAME", user);
        env.put("PKGR_HTTP_BASIC_LOCAL_PASSWORD", PASSWORD);
        env.put("PKGR_NO_PROGRESS", "1");
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = Main.commandLine(new Settings(Map.copyOf(env), home, workingDir), args);
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        return new Result(cl.execute(args), out.toString(), err.toString());
    }

    /** A copied line split as a POSIX shell would (blanks, single quotes), without its leading {@code pkgr}. */
    static String[] words(String line) {
        List<String> words = new ArrayList<>();
        StringBuilder word = new StringBuilder();
        boolean quoted = false;
        boolean any = false;
        for (char c : line.toCharArray()) {
            if (c == '\'') {
                quoted = !quoted;
                any = true;
            } else if (c == ' ' && !quoted) {
                if (any) {
                    words.add(word.toString());
                }
                word.setLength(0);
                any = false;
            } else {
                word.append(c);
                any = true;
            }
        }
        if (any) {
            words.add(word.toString());
        }
        assertEquals("pkgr", words.get(0), line);
        return words.subList(1, words.size()).toArray(String[]::new);
    }

    // ---- the browser --------------------------------------------------------------------------

    private static ChromeDriver startBrowser() {
        System.setProperty("webdriver.chrome.driver", "/usr/bin/chromedriver");
        ChromeOptions options = new ChromeOptions().setBinary(new File("/usr/bin/chromium"))
                .addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                        "--window-size=1280,1000");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new File("/usr/bin/chromedriver")).usingAnyFreePort().build();
        ChromeDriver driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
        return driver;
    }

    private void open(String path) {
        browser.get(base + path);
    }

    private void logIn(String user) {
        open("ui/login");
        browser.findElement(By.id("user")).sendKeys(user);
        browser.findElement(By.id("password")).sendKeys(PASSWORD);
        browser.findElement(By.cssSelector("form.login button")).click();
        assertTrue(browser.findElement(By.cssSelector(".who")).getText().contains("Signed in as " + user));
    }

    private void search(String query) {
        WebElement box = browser.findElement(By.id("q"));
        box.clear();
        box.sendKeys(query);
        box.submit();
        // submit does not wait for the answer: the checks that follow must read the results page
        // of this query, not the page before (a failure on a loaded machine)
        String asked = "q=" + java.net.URLEncoder.encode(query, java.nio.charset.StandardCharsets.UTF_8);
        new org.openqa.selenium.support.ui.WebDriverWait(browser, Duration.ofSeconds(30))
                .until(d -> d.getCurrentUrl().contains(asked)
                        && "complete".equals(((org.openqa.selenium.JavascriptExecutor) d).executeScript("return document.readyState")));
    }

    private String heading() {
        return browser.findElement(By.tagName("h1")).getText();
    }

    /** Clicks the Copy button of snippet {@code id} and returns what reached the clipboard. */
    private String copy(String id) {
        browser.executeCdpCommand("Browser.grantPermissions", Map.of("origin", base.substring(0, base.length() - 1),
                "permissions", List.of("clipboardReadWrite", "clipboardSanitizedWrite")));
        WebElement button = browser.findElement(By.cssSelector("button[data-copy='" + id + "']"));
        assertTrue(button.isDisplayed(), "the Copy button shows where the clipboard can be written");
        button.click();
        new org.openqa.selenium.support.ui.WebDriverWait(browser, Duration.ofSeconds(5))
                .until(d -> button.getText().equals("Copied"));
        return (String) browser.executeAsyncScript("var done = arguments[arguments.length - 1];"
                + "navigator.clipboard.readText().then(done, function (e) { done('clipboard: ' + e); });");
    }

    private void assertNoAlert() {
        try {
            browser.switchTo().alert();
            throw new AssertionError("an alert opened: published script ran");
        } catch (NoAlertPresentException expected) {
            // nothing ran
        }
    }

    private void screenshots(String page) {
        try {
            for (Map.Entry<String, Dimension> size : Map.of("desktop", new Dimension(1280, 1800),
                    "phone", new Dimension(390, 1600)).entrySet()) {
                browser.manage().window().setSize(size.getValue());
                Files.write(SHOTS.resolve(page + "-" + size.getKey() + ".png"), browser.getScreenshotAs(OutputType.BYTES));
            }
            browser.manage().window().setSize(new Dimension(1280, 1000));
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    // ---- HTTP beside the browser --------------------------------------------------------------

    private String apiRecord(String name, String version) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(base + "api/v1/bundles/" + name + "/" + version))
                .header("Authorization", basic("alice")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
        return response.body();
    }

    private HttpResponse<String> postForm(String path, String sessionCookie, Map<String, String> fields)
            throws IOException, InterruptedException {
        StringBuilder body = new StringBuilder();
        fields.forEach((k, v) -> body.append(body.isEmpty() ? "" : "&").append(URLEncoder.encode(k, StandardCharsets.UTF_8))
                .append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + path))
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString()));
        if (sessionCookie != null) {
            request.header("Cookie", "pkgr_session=" + sessionCookie);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String basic(String user) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));
    }
}
