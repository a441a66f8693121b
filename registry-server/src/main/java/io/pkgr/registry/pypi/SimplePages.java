package io.pkgr.registry.pypi;

import io.pkgr.bundle.pep440.Pep440Version;
import io.pkgr.api.PypiFile;
import io.pkgr.registry.http.Json;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Renders simple-API pages: PEP 503 HTML and PEP 691 JSON, with PEP 592 yanks, PEP 658/714 core
 * metadata (only for files whose {@code .metadata} is really served), PEP 700 versions, sizes and
 * upload times. Links are relative ({@code ../../packages/…}) so the pages work behind a proxy
 * that mounts the registry under a path.
 */
final class SimplePages {

    static final String API_VERSION = "1.1";

    private SimplePages() {
    }

    /** The project page of {@code project} (normalized) listing {@code files}, in version then name order. */
    static byte[] project(String project, Collection<PypiFile> files, boolean json) {
        List<PypiFile> sorted = new ArrayList<>(files);
        sorted.sort((a, b) -> {
            int c = PypiCatalog.version(a).compareTo(PypiCatalog.version(b));
            return c != 0 ? c : a.filename().compareTo(b.filename());
        });
        return json ? projectJson(project, sorted) : projectHtml(project, sorted);
    }

    /** The root page listing {@code projects} (normalized, sorted). */
    static byte[] root(List<String> projects, boolean json) {
        if (json) {
            List<Map<String, Object>> list = new ArrayList<>(projects.size());
            for (String name : projects) {
                list.add(Map.of("name", name));
            }
            return Json.bytes(Map.of("meta", Map.of("api-version", API_VERSION), "projects", list));
        }
        StringBuilder html = new StringBuilder(64 + projects.size() * 48);
        html.append("<!DOCTYPE html>\n<html>\n  <head>\n    <meta name=\"pypi:repository-version\" content=\"")
                .append(API_VERSION).append("\">\n    <title>Simple index</title>\n  </head>\n  <body>\n");
        for (String name : projects) {
            html.append("    <a href=\"").append(name).append("/\">").append(name).append("</a><br>\n");
        }
        html.append("  </body>\n</html>\n");
        return html.toString().getBytes(StandardCharsets.UTF_8);
    }

    static String fileUrl(PypiFile file) {
        return "../../packages/" + file.project() + "/" + file.filename();
    }

    private static byte[] projectHtml(String project, List<PypiFile> files) {
        StringBuilder html = new StringBuilder(256 + files.size() * 320);
        html.append("<!DOCTYPE html>\n<html>\n  <head>\n    <meta name=\"pypi:repository-version\" content=\"")
                .append(API_VERSION).append("\">\n    <title>Links for ").append(project)
                .append("</title>\n  </head>\n  <body>\n    <h1>Links for ").append(project).append("</h1>\n");
        for (PypiFile file : files) {
            html.append("    <a href=\"").append(fileUrl(file)).append("#sha256=").append(file.sha256().hex()).append('"');
            if (file.requiresPython() != null && !file.requiresPython().isBlank()) {
                html.append(" data-requires-python=\"").append(escape(file.requiresPython())).append('"');
            }
            if (file.hasMetadata()) {
                // PEP 658's name for pip < 23.2 and PEP 714's for newer clients: both, always equal
                String metadata = file.metadataSha256().hex();
                html.append(" data-dist-info-metadata=\"sha256=").append(metadata)
                        .append("\" data-core-metadata=\"sha256=").append(metadata).append('"');
            }
            if (file.yanked()) {
                html.append(" data-yanked=\"").append(file.yankReason() == null ? "" : escape(file.yankReason())).append('"');
            }
            html.append('>').append(escape(file.filename())).append("</a><br>\n");
        }
        html.append("  </body>\n</html>\n");
        return html.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] projectJson(String project, List<PypiFile> files) {
        TreeSet<Pep440Version> versions = new TreeSet<>();
        List<Map<String, Object>> list = new ArrayList<>(files.size());
        for (PypiFile file : files) {
            versions.add(PypiCatalog.version(file));
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("filename", file.filename());
            item.put("url", fileUrl(file));
            item.put("hashes", Map.of("sha256", file.sha256().hex()));
            if (file.requiresPython() != null && !file.requiresPython().isBlank()) {
                item.put("requires-python", file.requiresPython());
            }
            if (file.hasMetadata()) {
                // never "dist-info-metadata" in JSON: pip 23.0 crashes on its PEP 691 form
                item.put("core-metadata", Map.of("sha256", file.metadataSha256().hex()));
            }
            item.put("yanked", file.yanked() ? (file.yankReason() == null ? Boolean.TRUE : file.yankReason()) : Boolean.FALSE);
            item.put("size", file.size());
            item.put("upload-time", file.uploaded());
            list.add(item);
        }
        List<String> versionList = versions.stream().map(Pep440Version::toString).toList();
        Map<String, Object> page = new LinkedHashMap<>();
        page.put("meta", Map.of("api-version", API_VERSION));
        page.put("name", project);
        page.put("versions", versionList);
        page.put("files", list);
        return Json.bytes(page);
    }

    /** HTML-escapes text and attribute values. */
    static String escape(String text) {
        return io.pkgr.registry.http.HtmlEscape.append(new StringBuilder(text.length() + 16), text).toString();
    }
}
