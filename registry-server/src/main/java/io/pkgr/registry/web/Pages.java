package io.pkgr.registry.web;

import io.pkgr.api.PypiFile;
import io.pkgr.api.SearchResults;
import io.pkgr.api.VersionList;
import io.pkgr.api.VersionRecord;
import io.pkgr.bundle.Entrypoint;
import io.pkgr.bundle.FileEntry;
import io.pkgr.bundle.Manifest;
import io.pkgr.bundle.Param;
import io.pkgr.bundle.pep440.Pep440Version;
import io.pkgr.registry.maven.MavenCatalog;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The web UI's pages, written with {@link Html} so everything a user published is escaped. Links
 * are relative to the page ({@code root} is the way back to the registry's root, e.g. {@code ../../}),
 * so the UI works behind a proxy that mounts the registry under a path.
 */
final class Pages {

    /** Files listed per version before the list is cut (a jvm bundle may vendor hundreds of jars). */
    static final int MAX_FILES = 200;
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
            .withZone(ZoneOffset.UTC);

    private final String serverVersion;

    Pages(String serverVersion) {
        this.serverVersion = serverVersion;
    }

    /** What the home page shows besides the search box. */
    record Home(String query, List<SearchResults.Hit> bundleHits, List<String> projectHits, List<String> mavenHits,
            List<VersionRecord> recent, String health) {
    }

    // ---- the skeleton -------------------------------------------------------------------

    /** A whole page around {@code main}. */
    Html page(String root, String title, Viewer viewer, String query, Html main) {
        return pageStart(root, title, viewer, query).append(main).append(pageEnd(root));
    }

    /** Everything before the page's content, up to and including {@code <main>}. */
    Html pageStart(String root, String title, Viewer viewer, String query) {
        Html html = new Html(2048);
        html.constant("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .constant("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .element("title", title + " · pkgr").nl()
                .open("link", "rel", "stylesheet", "href", root + "ui/static/app.css").nl()
                .open("script", "src", root + "ui/static/app.js", "defer", "").close("script").nl()
                .constant("</head>\n<body>\n")
                .open("a", "class", "skip", "href", "#main").text("Skip to content").close("a").nl();
        header(html, root, viewer, query);
        return html.open("main", "id", "main", "tabindex", "-1").nl();
    }

    /** Everything after the page's content, from {@code </main>}. */
    Html pageEnd(String root) {
        Html html = new Html(512);
        html.close("main").nl().open("footer").text("pkgr " + serverVersion + " · ")
                .element("a", "API", "href", root + "api/v1/search?q=").text(" · ")
                .element("a", "simple index", "href", root + "simple/").text(" · ")
                .element("a", "health", "href", root + "readyz").close("footer").nl();
        return html.constant("</body>\n</html>\n");
    }

    private void header(Html html, String root, Viewer viewer, String query) {
        html.open("header").nl().open("nav", "aria-label", "Registry").nl()
                .element("a", "pkgr", "class", "brand", "href", root).nl()
                .open("form", "role", "search", "action", root, "method", "get")
                .element("label", "Search bundles and projects", "for", "q", "class", "visually-hidden")
                .open("input", "id", "q", "name", "q", "type", "search", "value", query == null ? "" : query,
                        "placeholder", "Search bundles and projects", "maxlength", "200", "autocomplete", "off")
                .element("button", "Search", "type", "submit").close("form").nl()
                .open("div", "class", "who");
        if (viewer.anonymous()) {
            html.element("a", "Log in", "href", root + "ui/login");
        } else {
            html.open("span").text("Signed in as ").element("strong", viewer.user()).close("span");
            if (viewer.session()) {
                html.text(" ").open("form", "method", "post", "action", root + "ui/logout", "class", "inline")
                        .open("input", "type", "hidden", "name", "csrf", "value", viewer.csrf())
                        .element("button", "Log out", "type", "submit", "class", "link").close("form");
            }
        }
        html.close("div").nl().close("nav").nl().close("header").nl();
    }

    // ---- home ---------------------------------------------------------------------------

    Html home(String root, Home home) {
        Html main = new Html(8192);
        if (home.query() != null && !home.query().isBlank()) {
            main.element("h1", "Results for “" + home.query() + "”").nl();
            searchResults(main, root, home);
        } else {
            main.element("h1", "Bundles and packages").nl();
            recent(main, root, home.recent());
        }
        main.open("section", "aria-labelledby", "status-h").nl().element("h2", "Registry", "id", "status-h").nl()
                .open("dl", "class", "facts").nl();
        fact(main, "Version", serverVersion);
        fact(main, "Status", home.health());
        main.close("dl").nl().close("section").nl();
        return main;
    }

    private void searchResults(Html main, String root, Home home) {
        main.open("section", "aria-labelledby", "bundles-h").nl().element("h2", "Bundles", "id", "bundles-h").nl();
        if (home.bundleHits().isEmpty()) {
            main.element("p", "No bundle matches.").nl();
        } else {
            main.open("ul", "class", "hits").nl();
            for (SearchResults.Hit hit : home.bundleHits()) {
                main.open("li").element("a", hit.name().value(), "href", root + bundlePath(hit.name().normalized()))
                        .text(" ").element("span", hit.latest() == null ? "" : hit.latest().toString(), "class", "version")
                        .open("p", "class", "desc").text(firstLine(hit.description())).close("p").close("li").nl();
            }
            main.close("ul").nl();
        }
        main.close("section").nl();
        main.open("section", "aria-labelledby", "projects-h").nl().element("h2", "PyPI projects", "id", "projects-h").nl();
        if (home.projectHits().isEmpty()) {
            main.element("p", "No PyPI project matches.").nl();
        } else {
            main.open("ul", "class", "hits").nl();
            for (String project : home.projectHits()) {
                main.open("li").element("a", project, "href", root + projectPath(project)).close("li").nl();
            }
            main.close("ul").nl();
        }
        main.close("section").nl();
        main.open("section", "aria-labelledby", "maven-h").nl().element("h2", "Maven artifacts", "id", "maven-h").nl();
        if (home.mavenHits().isEmpty()) {
            main.element("p", "No Maven artifact matches.").nl();
        } else {
            main.open("ul", "class", "hits").nl();
            for (String coordinates : home.mavenHits()) {
                main.open("li").element("a", coordinates, "href", root + mavenPath(coordinates)).close("li").nl();
            }
            main.close("ul").nl();
        }
        main.close("section").nl();
    }

    private void recent(Html main, String root, List<VersionRecord> recent) {
        main.open("section", "aria-labelledby", "recent-h").nl().element("h2", "Recently published", "id", "recent-h").nl();
        if (recent.isEmpty()) {
            main.element("p", "Nothing you may read has been published yet.").nl();
        } else {
            main.open("div", "class", "scroll").open("table").nl().open("thead").open("tr")
                    .element("th", "Bundle", "scope", "col").element("th", "Version", "scope", "col")
                    .element("th", "Published", "scope", "col").element("th", "By", "scope", "col")
                    .close("tr").close("thead").nl().open("tbody").nl();
            for (VersionRecord record : recent) {
                main.open("tr").open("td").element("a", record.name().value(), "href",
                                root + versionPath(record.name().normalized(), record.version().toString()))
                        .close("td").open("td").text(record.version().toString());
                marks(main, record.version().isPreRelease(), record.yanked(), null);
                main.close("td").element("td", time(record.published())).element("td", orDash(record.publisher()))
                        .close("tr").nl();
            }
            main.close("tbody").close("table").close("div").nl();
        }
        main.close("section").nl();
    }

    // ---- bundle -------------------------------------------------------------------------

    /** Everything on a bundle page that is the same for every reader: rendered once per change. */
    Html bundle(String root, VersionList list, VersionRecord record, Manifest manifest) {
        Html main = new Html(16384);
        String name = record.name().value();
        main.open("h1").text(name).text(" ").element("span", record.version().toString(), "class", "version");
        marks(main, record.version().isPreRelease(), record.yanked(), record.yankReason());
        main.close("h1").nl();
        if (!manifest.description().isBlank()) {
            // published text is shown as text: never rendered as markup or Markdown
            main.element("p", manifest.description(), "class", "description").nl();
        }
        if (record.yanked()) {
            main.open("p", "class", "notice", "role", "note").element("strong", "Yanked")
                    .text(record.yankReason() == null || record.yankReason().isBlank() ? ": no reason given."
                            : ": " + record.yankReason())
                    .close("p").nl();
        }
        versions(main, root, list, record);
        details(main, record, manifest);
        entrypoints(main, record, manifest);
        files(main, manifest);
        return main;
    }

    private void versions(Html main, String root, VersionList list, VersionRecord selected) {
        main.open("section", "aria-labelledby", "versions-h", "class", "versions").nl()
                .element("h2", "Versions", "id", "versions-h").nl().open("ol", "reversed", "").nl();
        List<VersionList.Item> items = new ArrayList<>(list.versions());
        items.sort(Comparator.comparing(VersionList.Item::version).reversed());
        for (VersionList.Item item : items) {
            boolean current = item.version().equals(selected.version());
            main.open("li", "class", current ? "current" : null);
            main.element("a", item.version().toString(), "href",
                    root + versionPath(list.name().normalized(), item.version().toString()),
                    "aria-current", current ? "page" : null);
            if (item.version().equals(list.latest())) {
                main.text(" ").element("span", "latest", "class", "mark latest");
            }
            marks(main, item.version().isPreRelease(), item.yanked(), item.yankReason());
            main.text(" ").element("span", time(item.published()), "class", "when");
            main.close("li").nl();
        }
        main.close("ol").nl().close("section").nl();
    }

    private void details(Html main, VersionRecord record, Manifest manifest) {
        main.open("section", "aria-labelledby", "details-h").nl().element("h2", "This version", "id", "details-h").nl()
                .open("dl", "class", "facts").nl();
        fact(main, "sha256", record.sha256().hex());
        fact(main, "Size", size(record.size()));
        fact(main, "Published", time(record.published()));
        fact(main, "Publisher", orDash(record.publisher()));
        fact(main, "Runtime", manifest.runtime().toString().toLowerCase(Locale.ROOT)
                + (manifest.python() == null ? "" : " (python " + manifest.python() + ")"));
        if (!manifest.requirements().isEmpty()) {
            fact(main, "Requirements", String.join(", ", manifest.requirements()));
        }
        if (!manifest.dependencies().isEmpty()) {
            fact(main, "Dependencies", String.join(", ", manifest.dependencies()));
        }
        main.close("dl").nl().close("section").nl();
    }

    private void entrypoints(Html main, VersionRecord record, Manifest manifest) {
        main.open("section", "aria-labelledby", "entrypoints-h").nl().element("h2", "Entrypoints", "id", "entrypoints-h").nl();
        if (manifest.entrypoints().isEmpty()) {
            main.element("p", "This bundle declares no entrypoint.").nl();
        }
        Snippets snippets = new Snippets(record.name().value(), record.version().toString(), record.sha256());
        for (Map.Entry<String, Entrypoint> entry : manifest.entrypoints().entrySet()) {
            String id = "ep-" + entry.getKey();
            Entrypoint entrypoint = entry.getValue();
            main.open("article", "class", "entrypoint", "aria-labelledby", id).nl().element("h3", entry.getKey(), "id", id).nl();
            if (entrypoint.description() != null && !entrypoint.description().isBlank()) {
                main.element("p", entrypoint.description(), "class", "description").nl();
            }
            main.open("p").text("Runs ").element("code", Snippets.shell(entrypoint.command())).close("p").nl();
            params(main, entrypoint);
            Map<String, String> lines = new LinkedHashMap<>();
            lines.put("Run", snippets.run(entry.getKey(), entrypoint));
            lines.put("Run by digest", snippets.runByDigest(entry.getKey(), entrypoint));
            lines.put("pkgr.tasks.yaml", snippets.tasksEntry(entry.getKey()));
            lines.put("Airflow BashOperator", snippets.bashOperator(entry.getKey(), entrypoint));
            lines.put("Airflow KubernetesPodOperator", snippets.kubernetesPodOperator(entry.getKey(), entrypoint));
            int n = 0;
            for (Map.Entry<String, String> line : lines.entrySet()) {
                snippet(main, id + "-s" + n++, line.getKey(), line.getValue());
            }
            main.close("article").nl();
        }
        main.close("section").nl();
    }

    private void params(Html main, Entrypoint entrypoint) {
        if (entrypoint.params().isEmpty()) {
            main.element("p", "No parameters.").nl();
            return;
        }
        main.open("div", "class", "scroll").open("table", "class", "params").nl()
                .element("caption", "Parameters").open("thead").open("tr")
                .element("th", "Name", "scope", "col").element("th", "Type", "scope", "col")
                .element("th", "Default", "scope", "col").element("th", "Required", "scope", "col")
                .element("th", "Description", "scope", "col").close("tr").close("thead").nl().open("tbody").nl();
        for (Map.Entry<String, Param> p : entrypoint.params().entrySet()) {
            Param param = p.getValue();
            String type = param.type().id() + (param.choices().isEmpty() ? "" : " (" + String.join(" | ", param.choices()) + ")");
            main.open("tr").open("th", "scope", "row").element("code", "--" + p.getKey()).close("th")
                    .element("td", type).element("td", param.defaultValue() == null ? "—" : param.defaultValue())
                    .element("td", param.required() ? "yes" : "no").element("td", param.description())
                    .close("tr").nl();
        }
        main.close("tbody").close("table").close("div").nl();
    }

    private void files(Html main, Manifest manifest) {
        main.open("section", "aria-labelledby", "files-h").nl().element("h2", "Files", "id", "files-h").nl();
        List<Map.Entry<String, FileEntry>> project = new ArrayList<>();
        List<Map.Entry<String, FileEntry>> vendored = new ArrayList<>();
        for (Map.Entry<String, FileEntry> file : manifest.files().entrySet()) {
            (file.getKey().startsWith("deps/") ? vendored : project).add(file);
        }
        fileTable(main, "Project files", project);
        fileTable(main, "Vendored dependencies", vendored);
        main.close("section").nl();
    }

    private void fileTable(Html main, String caption, List<Map.Entry<String, FileEntry>> files) {
        if (files.isEmpty()) {
            main.element("p", caption + ": none.").nl();
            return;
        }
        main.open("div", "class", "scroll").open("table", "class", "files").nl()
                .element("caption", caption + " (" + files.size() + ")").open("thead").open("tr")
                .element("th", "Path", "scope", "col").element("th", "Size", "scope", "col")
                .element("th", "sha256", "scope", "col").close("tr").close("thead").nl().open("tbody").nl();
        for (Map.Entry<String, FileEntry> file : files.subList(0, Math.min(MAX_FILES, files.size()))) {
            main.open("tr").element("td", file.getKey()).element("td", size(file.getValue().size()))
                    .open("td").element("code", file.getValue().sha256().hex(), "class", "digest").close("td").close("tr").nl();
        }
        main.close("tbody").close("table").close("div").nl();
        if (files.size() > MAX_FILES) {
            main.element("p", "… and " + (files.size() - MAX_FILES) + " more.").nl();
        }
    }

    /** The yank or un-yank form, for readers allowed to yank. */
    Html yankForm(String root, VersionRecord record, Viewer viewer) {
        Html form = new Html(1024);
        String action = root + versionPath(record.name().normalized(), record.version().toString()) + "/yank";
        form.open("section", "aria-labelledby", "manage-h").nl().element("h2", "Manage", "id", "manage-h").nl()
                .open("form", "method", "post", "action", action, "class", "yank").nl()
                .open("input", "type", "hidden", "name", "csrf", "value", viewer.csrf()).nl();
        if (record.yanked()) {
            form.open("input", "type", "hidden", "name", "action", "value", "unyank")
                    .element("button", "Un-yank " + record.version(), "type", "submit").nl();
        } else {
            form.open("input", "type", "hidden", "name", "action", "value", "yank")
                    .element("label", "Reason for yanking", "for", "reason")
                    .open("input", "id", "reason", "name", "reason", "type", "text", "maxlength", "1000",
                            "required", "", "autocomplete", "off").nl()
                    .element("button", "Yank " + record.version(), "type", "submit", "class", "danger").nl();
        }
        return form.close("form").nl().close("section").nl();
    }

    // ---- PyPI project -------------------------------------------------------------------

    Html project(String root, String project, List<PypiFile> files, String indexUrl) {
        Html main = new Html(8192);
        main.element("h1", project).nl();
        List<PypiFile> sorted = new ArrayList<>(files);
        sorted.sort(Comparator.comparing((PypiFile f) -> Pep440Version.parse(f.version())).reversed()
                .thenComparing(PypiFile::filename));
        PypiFile newest = sorted.stream().filter(f -> !f.yanked()).findFirst().orElse(sorted.get(0));
        String pin = project + "==" + newest.version();
        main.open("section", "aria-labelledby", "install-h").nl().element("h2", "Install " + newest.version(), "id", "install-h").nl();
        snippet(main, "pip", "pip", "pip install --index-url " + indexUrl + " " + Snippets.shell(List.of(pin)));
        snippet(main, "uv", "uv", "uv pip install --index-url " + indexUrl + " " + Snippets.shell(List.of(pin)));
        snippet(main, "poetry", "poetry", "poetry source add --priority=explicit pkgr " + indexUrl + "\npoetry add --source pkgr "
                + Snippets.shell(List.of(pin)));
        main.close("section").nl();
        main.open("section", "aria-labelledby", "files-h").nl().element("h2", "Files", "id", "files-h").nl()
                .open("div", "class", "scroll").open("table", "class", "files").nl().open("thead").open("tr")
                .element("th", "File", "scope", "col").element("th", "Version", "scope", "col")
                .element("th", "Requires-Python", "scope", "col").element("th", "Size", "scope", "col")
                .element("th", "Uploaded", "scope", "col").element("th", "sha256", "scope", "col")
                .close("tr").close("thead").nl().open("tbody").nl();
        for (PypiFile file : sorted) {
            main.open("tr", "class", file.yanked() ? "yanked" : null).open("td")
                    .element("a", file.filename(), "href", root + "packages/" + encode(project) + "/" + encode(file.filename())
                            + "#sha256=" + file.sha256().hex());
            marks(main, false, file.yanked(), file.yankReason());
            main.close("td").element("td", file.version()).element("td", orDash(file.requiresPython()))
                    .element("td", size(file.size())).element("td", time(file.uploaded()) + " by " + orDash(file.uploader()))
                    .open("td").element("code", file.sha256().hex(), "class", "digest").close("td").close("tr").nl();
        }
        main.close("tbody").close("table").close("div").nl().close("section").nl();
        return main;
    }

    // ---- Maven artifact -----------------------------------------------------------------

    Html mavenArtifact(String root, MavenCatalog.Artifact artifact, MavenCatalog.ArtifactVersion selected,
            String repositoryUrl) {
        Html main = new Html(8192);
        String coordinates = artifact.coordinates();
        main.open("h1").text(coordinates).text(" ").element("span", selected.version(), "class", "version");
        snapshotMark(main, selected);
        main.close("h1").nl();
        main.open("section", "aria-labelledby", "versions-h", "class", "versions").nl()
                .element("h2", "Versions", "id", "versions-h").nl().open("ol", "reversed", "").nl();
        for (MavenCatalog.ArtifactVersion version : artifact.versions()) {
            boolean current = version.version().equals(selected.version());
            main.open("li", "class", current ? "current" : null).element("a", version.version(), "href",
                    root + mavenPath(coordinates) + "/" + encode(version.version()), "aria-current", current ? "page" : null);
            snapshotMark(main, version);
            main.close("li").nl();
        }
        main.close("ol").nl().close("section").nl();
        main.open("section", "aria-labelledby", "use-h").nl().element("h2", "Use " + selected.version(), "id", "use-h").nl();
        snippet(main, "maven", "Maven", "<dependency>\n  <groupId>" + artifact.groupId() + "</groupId>\n  <artifactId>"
                + artifact.artifactId() + "</artifactId>\n  <version>" + selected.version() + "</version>\n</dependency>");
        snippet(main, "gradle", "Gradle", "implementation(\"" + coordinates + ":" + selected.version() + "\")");
        snippet(main, "repository", "Repository URL", repositoryUrl);
        main.close("section").nl();
        main.open("section", "aria-labelledby", "files-h").nl().element("h2", "Files", "id", "files-h").nl()
                .open("div", "class", "scroll").open("table", "class", "files").nl().open("thead").open("tr")
                .element("th", "File", "scope", "col").element("th", "Size", "scope", "col")
                .element("th", "Uploaded", "scope", "col").element("th", "sha256", "scope", "col")
                .close("tr").close("thead").nl().open("tbody").nl();
        String directory = root + "maven/" + artifact.groupId().replace('.', '/') + "/" + encode(artifact.artifactId())
                + "/" + encode(selected.version()) + "/";
        for (MavenCatalog.StoredFile file : selected.files().subList(0, Math.min(MAX_FILES, selected.files().size()))) {
            main.open("tr").open("td").element("a", file.name(), "href", directory + encode(file.name())).close("td")
                    .element("td", size(file.size())).element("td", time(file.uploaded()))
                    .open("td").element("code", file.sha256().hex(), "class", "digest").close("td").close("tr").nl();
        }
        main.close("tbody").close("table").close("div").nl();
        if (selected.files().size() > MAX_FILES) {
            main.element("p", "… and " + (selected.files().size() - MAX_FILES) + " more.").nl();
        }
        return main.close("section").nl();
    }

    private static void snapshotMark(Html html, MavenCatalog.ArtifactVersion version) {
        if (version.snapshot()) {
            html.text(" ").element("span", "snapshot", "class", "mark pre");
        }
    }

    // ---- login and errors ---------------------------------------------------------------

    Html login(String root, String next, String problem) {
        Html main = new Html(1024);
        main.element("h1", "Log in").nl();
        if (problem != null) {
            main.element("p", problem, "class", "notice", "role", "alert").nl();
        }
        main.open("form", "method", "post", "action", root + "ui/login", "class", "login").nl()
                .open("input", "type", "hidden", "name", "next", "value", next == null ? "" : next).nl()
                .element("label", "User", "for", "user")
                .open("input", "id", "user", "name", "user", "type", "text", "autocomplete", "username", "required", "",
                        "autocapitalize", "none").nl()
                .element("label", "Password", "for", "password")
                .open("input", "id", "password", "name", "password", "type", "password", "autocomplete",
                        "current-password", "required", "").nl()
                .element("button", "Log in", "type", "submit").nl().close("form").nl();
        return main;
    }

    Html message(String heading, String text) {
        return new Html(256).element("h1", heading).nl().element("p", text).nl();
    }

    // ---- pieces -------------------------------------------------------------------------

    private static void snippet(Html main, String id, String label, String text) {
        main.open("div", "class", "snippet").nl()
                .element("h4", label, "id", id + "-l")
                .open("pre", "id", id, "aria-labelledby", id + "-l", "tabindex", "0").element("code", text).close("pre")
                .element("button", "Copy", "type", "button", "class", "copy", "data-copy", id, "hidden", "",
                        "aria-label", "Copy " + label).nl()
                .close("div").nl();
    }

    private static void marks(Html html, boolean preRelease, boolean yanked, String reason) {
        if (preRelease) {
            html.text(" ").element("span", "pre-release", "class", "mark pre");
        }
        if (yanked) {
            html.text(" ").element("span", reason == null || reason.isBlank() ? "yanked" : "yanked: " + reason,
                    "class", "mark yanked");
        }
    }

    private static void fact(Html html, String term, String value) {
        html.element("dt", term).element("dd", value).nl();
    }

    static String bundlePath(String normalized) {
        return "ui/bundles/" + encode(normalized);
    }

    static String versionPath(String normalized, String version) {
        return bundlePath(normalized) + "/" + encode(version);
    }

    static String projectPath(String normalized) {
        return "ui/pypi/" + encode(normalized);
    }

    /** {@code ui/maven/GROUP/ARTIFACT} of {@code GROUP:ARTIFACT}. */
    static String mavenPath(String coordinates) {
        int colon = coordinates.indexOf(':');
        return "ui/maven/" + encode(coordinates.substring(0, colon)) + "/" + encode(coordinates.substring(colon + 1));
    }

    static String encode(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }

    static String time(Instant instant) {
        return instant == null ? "—" : TIME.format(instant);
    }

    static String size(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB"};
        double value = bytes;
        int unit = -1;
        while (value >= 1024 && unit < units.length - 1) {
            value /= 1024;
            unit++;
        }
        return String.format(Locale.ROOT, "%.1f %s (%,d bytes)", value, units[unit], bytes);
    }

    private static String orDash(String text) {
        return text == null || text.isBlank() ? "—" : text;
    }

    private static String firstLine(String text) {
        int newline = text.indexOf('\n');
        return newline < 0 ? text : text.substring(0, newline);
    }
}
