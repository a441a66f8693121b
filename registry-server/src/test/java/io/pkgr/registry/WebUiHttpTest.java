package io.pkgr.registry;

import static io.pkgr.registry.TestRegistry.ADMIN;
import static io.pkgr.registry.TestRegistry.ALICE;
import static io.pkgr.registry.TestRegistry.BOB;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The web UI over plain HTTP: negotiation at /, the yank form's checks, the login's redirects. */
class WebUiHttpTest {

    private static final Pattern CSRF = Pattern.compile("name=\"csrf\" value=\"([^\"]+)\"");
    private static final String PAGE = "/ui/bundles/team-a/1.0.0";

    @TempDir
    Path tmp;
    private TestRegistry registry;

    @BeforeEach
    void start() throws IOException {
        registry = TestRegistry.start(tmp.resolve("data"));
        byte[] bundle = TestBundles.bundle(tmp, "team-a", "1.0.0", "x");
        assertEquals(201, registry.put("/api/v1/bundles/team-a/1.0.0", ALICE, bundle).statusCode());
    }

    @AfterEach
    void stop() {
        registry.close();
    }

    @Test
    void aBrowserGetsTheHomePageWithAStrictPolicyAndAnApiClientGetsJson() {
        HttpResponse<String> page = registry.send(registry.request("/", BOB).header("Accept", "text/html,*/*;q=0.8").build());
        HttpResponse<String> api = registry.send(registry.request("/", BOB).header("Accept", "*/*").build());

        assertEquals(200, page.statusCode());
        assertTrue(page.headers().firstValue("Content-Type").orElseThrow().startsWith("text/html"));
        assertEquals("default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self'; connect-src 'self';"
                + " form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
                page.headers().firstValue("Content-Security-Policy").orElseThrow());
        assertEquals("DENY", page.headers().firstValue("X-Frame-Options").orElseThrow());
        assertTrue(page.body().contains("team-a"), "recent publishes list the bundle");
        assertEquals(200, api.statusCode());
        assertTrue(api.body().contains("\"api\":\"api/v1/\""), api.body());
    }

    @Test
    void recentPublishesAreNewestFirstAndFollowEachNewPublish() throws IOException {
        String before = home(BOB);
        assertTrue(before.contains("team-a") && !before.contains("team-b"), before);

        byte[] bundle = TestBundles.bundle(tmp, "team-b", "2.0.0-rc.1", "y");
        assertEquals(201, registry.put("/api/v1/bundles/team-b/2.0.0-rc.1", ALICE, bundle).statusCode());

        String after = home(BOB);
        assertTrue(after.indexOf(">team-b<") >= 0 && after.indexOf(">team-b<") < after.indexOf(">team-a<"), after);
        assertTrue(after.contains("2.0.0-rc.1 <span class=\"mark pre\">pre-release</span>"), after);
    }

    @Test
    void aYankPostedFromAnotherSiteIsRefusedAndNothingChanges() {
        String cookie = logIn("alice", "alice-pw");
        String csrf = csrf(PAGE, cookie);
        String before = record();

        HttpResponse<String> fromElsewhere = post(PAGE + "/yank", cookie, Map.of("Origin", "http://evil.example"),
                Map.of("csrf", csrf, "action", "yank", "reason", "forged"));
        HttpResponse<String> crossSite = post(PAGE + "/yank", cookie, Map.of("Sec-Fetch-Site", "cross-site"),
                Map.of("csrf", csrf, "action", "yank", "reason", "forged"));

        assertEquals(403, fromElsewhere.statusCode());
        assertTrue(fromElsewhere.body().contains("may only be sent from this registry"), fromElsewhere.body());
        assertEquals(403, crossSite.statusCode());
        assertEquals(before, record());
    }

    @Test
    void aYankWithoutAReasonOrWithAnOverlongOneIsRefusedAndNothingChanges() {
        String cookie = logIn("alice", "alice-pw");
        String csrf = csrf(PAGE, cookie);
        String before = record();

        HttpResponse<String> empty = post(PAGE + "/yank", cookie, Map.of(), Map.of("csrf", csrf, "action", "yank", "reason", " "));
        HttpResponse<String> overlong = post(PAGE + "/yank", cookie, Map.of(),
                Map.of("csrf", csrf, "action", "yank", "reason", "x".repeat(1001)));

        assertEquals(400, empty.statusCode());
        assertTrue(empty.body().contains("Give a reason of 1 to 1000 characters"), empty.body());
        assertEquals(400, overlong.statusCode());
        assertEquals(before, record());
    }

    @Test
    void aUserWithBasicCredentialsYanksWithTheTokenOfTheirOwnPage() {
        String csrf = csrf(PAGE, null);
        HttpResponse<String> readersPage = registry.send(registry.request(PAGE, BOB).header("Accept", "text/html").build());
        assertFalse(readersPage.body().contains("class=\"yank\""), "a reader gets no yank form");

        HttpResponse<String> yanked = registry.send(registry.request(PAGE + "/yank", ALICE)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form(Map.of("csrf", csrf, "action", "yank", "reason", "bad build"))))
                .build());

        assertEquals(303, yanked.statusCode(), yanked.body());
        assertEquals("../../../../ui/bundles/team-a/1.0.0", yanked.headers().firstValue("Location").orElseThrow());
        assertTrue(record().contains("\"yank_reason\":\"bad build\""), record());
    }

    @Test
    void theLoginNeverSendsTheBrowserAwayFromTheRegistry() {
        for (String next : new String[] {"https://evil.example/", "//evil.example/", "ui/../../x", "javascript:alert(1)"}) {
            HttpResponse<String> login = post("/ui/login", null, Map.of(),
                    Map.of("user", "bob", "password", "bob-pw", "next", next));
            assertEquals(303, login.statusCode(), next);
            assertEquals("../", login.headers().firstValue("Location").orElseThrow(), next);
        }
        HttpResponse<String> inside = post("/ui/login", null, Map.of(),
                Map.of("user", "bob", "password", "bob-pw", "next", "ui/bundles/team-a"));
        assertEquals("../ui/bundles/team-a", inside.headers().firstValue("Location").orElseThrow());
    }

    @Test
    void anApiTokenCannotOpenAWebSessionThatWouldCarryItsOwnersRights() {
        HttpResponse<String> created = registry.send(registry.request("/api/v1/tokens", ALICE)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\":\"narrow\",\"scopes\":[\"team-a:read\"]}")).build());
        assertEquals(201, created.statusCode(), created.body());
        String token = TestRegistry.json(created).path("token").asText();

        HttpResponse<String> login = post("/ui/login", null, Map.of(), Map.of("user", "__token__", "password", token));

        assertEquals(401, login.statusCode(), login.body());
        assertTrue(login.body().contains("API tokens cannot open a web session"), login.body());
        assertTrue(login.headers().firstValue("Set-Cookie").isEmpty(), "no session cookie");
    }

    @Test
    void removingAUserFromTheHtpasswdFileEndsTheirWebSessions() throws Exception {
        String cookie = logIn("bob", "bob-pw");
        assertEquals(200, sessionGet(cookie).statusCode(), "logged in");

        new io.pkgr.auth.HtpasswdWriter(tmp.resolve("data").resolve("htpasswd"), 4).remove("bob");

        // the registry sees the change at its next look at the file (at most once a second, on a
        // credential check: here alice's requests); the session ends with it
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(20);
        int status = sessionGet(cookie).statusCode();
        while (status == 200 && System.nanoTime() < deadline) {
            Thread.sleep(200);
            assertEquals(200, registry.get("/api/v1/bundles/team-a", ALICE).statusCode());
            status = sessionGet(cookie).statusCode();
        }
        assertEquals(303, status, "anonymous again: sent to the login");
    }

    private HttpResponse<String> sessionGet(String cookie) {
        return registry.send(registry.request(PAGE, null).header("Cookie", "pkgr_session=" + cookie)
                .header("Accept", "text/html").build());
    }

    @Test
    void afterLogoutTheCookieNoLongerAuthenticates() {
        String cookie = logIn("bob", "bob-pw");
        String csrf = csrf("/", cookie);

        HttpResponse<String> logout = post("/ui/logout", cookie, Map.of(), Map.of("csrf", csrf));

        assertEquals(303, logout.statusCode());
        String cleared = logout.headers().firstValue("Set-Cookie").orElseThrow();
        assertTrue(cleared.startsWith("pkgr_session=;") && cleared.contains("Expires=Thu, 01-Jan-1970"), cleared);
        HttpResponse<String> after = registry.send(registry.request(PAGE, null).header("Cookie", "pkgr_session=" + cookie)
                .header("Accept", "text/html").build());
        assertEquals(303, after.statusCode(), "anonymous again: sent to the login");
        assertTrue(after.headers().firstValue("Location").orElseThrow().contains("ui/login?next="));
    }

    @Test
    void aDeployedMavenArtifactIsFoundAndItsPageShowsVersionsFilesAndSnippets() {
        deployMaven("1.0", "1.1", "1.2-SNAPSHOT");

        String search = page("/?q=EXAMPLE:li", BOB).body();
        HttpResponse<String> newest = page("/ui/maven/com.example/lib", BOB);
        HttpResponse<String> release = page("/ui/maven/com.example/lib/1.1", BOB);

        assertTrue(search.contains("<a href=\"./ui/maven/com.example/lib\">com.example:lib</a>"), search);
        assertEquals(200, newest.statusCode(), newest.body());
        assertTrue(newest.headers().firstValue("Content-Security-Policy").orElseThrow().startsWith("default-src 'none'; script-src 'self';"));
        String body = newest.body();
        assertTrue(body.indexOf(">1.2-SNAPSHOT</a> <span class=\"mark pre\">snapshot</span>") > 0, body);
        assertTrue(body.indexOf(">1.2-SNAPSHOT</a>") < body.indexOf(">1.1</a>")
                && body.indexOf(">1.1</a>") < body.indexOf(">1.0</a>"), "newest first: " + body);
        assertTrue(body.contains(">lib-1.2-SNAPSHOT.jar</a>") && body.contains(sha256("jar 1.2-SNAPSHOT")), body);
        assertEquals(200, release.statusCode(), release.body());
        assertTrue(release.body().contains("&lt;dependency&gt;\n  &lt;groupId&gt;com.example&lt;/groupId&gt;\n"
                + "  &lt;artifactId&gt;lib&lt;/artifactId&gt;\n  &lt;version&gt;1.1&lt;/version&gt;\n&lt;/dependency&gt;"),
                release.body());
        assertTrue(release.body().contains("implementation(&quot;com.example:lib:1.1&quot;)"), release.body());
        assertTrue(release.body().contains(">lib-1.1.jar</a>") && !release.body().contains(">lib-1.0.jar</a>"), release.body());
    }

    @Test
    void aMavenArtifactTheUserMayNotReadIsNeitherFoundNorShown() {
        deployMaven("1.0");

        String search = page("/?q=lib", ALICE).body();
        HttpResponse<String> artifact = page("/ui/maven/com.example/lib", ALICE);
        HttpResponse<String> version = page("/ui/maven/com.example/lib/1.0", ALICE);
        HttpResponse<String> unknown = page("/ui/maven/com.example/nothing", BOB);

        assertTrue(search.contains("No Maven artifact matches.") && !search.contains("com.example"), search);
        assertEquals(404, artifact.statusCode());
        assertFalse(artifact.body().contains("com.example"), artifact.body());
        assertEquals(404, version.statusCode());
        assertEquals(404, unknown.statusCode(), "unreadable and unknown look the same");
    }

    @Test
    void hostileTextInAMavenSearchOrPathIsEscaped() {
        deployMaven("1.0");

        HttpResponse<String> search = page("/?q=" + URLEncoder.encode("lib<img src=x onerror=alert(1)>", StandardCharsets.UTF_8), BOB);
        HttpResponse<String> path = page("/ui/maven/com.example/%3Cscript%3Elib", BOB);
        HttpResponse<String> badVersion = page("/ui/maven/com.example/lib/%3Cb%3E1.0", BOB);

        assertEquals(200, search.statusCode());
        assertFalse(search.body().contains("<img"), search.body());
        assertTrue(search.body().contains("lib&lt;img src=x onerror=alert(1)&gt;"), search.body());
        assertEquals(404, path.statusCode());
        assertFalse(path.body().contains("<script>"), path.body());
        assertEquals(404, badVersion.statusCode());
        assertFalse(badVersion.body().contains("<b>"), badVersion.body());
    }

    // ---- helpers ----

    private void deployMaven(String... versions) {
        for (String v : versions) {
            String path = "/maven/com/example/lib/" + v + "/lib-" + v + ".jar";
            assertEquals(201, registry.put(path, ADMIN, ("jar " + v).getBytes(StandardCharsets.UTF_8)).statusCode(), path);
        }
    }

    private HttpResponse<String> page(String path, String credentials) {
        return registry.send(registry.request(path, credentials).header("Accept", "text/html").build());
    }

    private static String sha256(String text) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private String logIn(String user, String password) {
        HttpResponse<String> login = post("/ui/login", null, Map.of(), Map.of("user", user, "password", password));
        assertEquals(303, login.statusCode(), login.body());
        String setCookie = login.headers().firstValue("Set-Cookie").orElseThrow();
        return setCookie.substring("pkgr_session=".length(), setCookie.indexOf(';'));
    }

    private String csrf(String path, String cookie) {
        HttpRequest.Builder request = registry.request(path, cookie == null ? ALICE : null).header("Accept", "text/html");
        if (cookie != null) {
            request.header("Cookie", "pkgr_session=" + cookie);
        }
        HttpResponse<String> page = registry.send(request.build());
        assertEquals(200, page.statusCode(), page.body());
        Matcher m = CSRF.matcher(page.body());
        assertTrue(m.find(), page.body());
        return m.group(1);
    }

    private String home(String credentials) {
        return registry.send(registry.request("/", credentials).header("Accept", "text/html").build()).body();
    }

    private String record() {
        return registry.get("/api/v1/bundles/team-a/1.0.0", ALICE).body();
    }

    private HttpResponse<String> post(String path, String cookie, Map<String, String> headers, Map<String, String> fields) {
        HttpRequest.Builder request = registry.request(path, null)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString(form(fields)));
        headers.forEach(request::header);
        if (cookie != null) {
            request.header("Cookie", "pkgr_session=" + cookie);
        }
        return registry.send(request.build());
    }

    private static String form(Map<String, String> fields) {
        StringBuilder body = new StringBuilder();
        new LinkedHashMap<>(fields).forEach((k, v) -> body.append(body.isEmpty() ? "" : "&")
                .append(URLEncoder.encode(k, StandardCharsets.UTF_8)).append('=').append(URLEncoder.encode(v, StandardCharsets.UTF_8)));
        return body.toString();
    }
}
