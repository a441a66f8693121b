package io.pkgr.registry.web;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class HtmlTest {

    @Test
    void textAndAttributeValuesAreEscaped() {
        String html = new Html(64).open("p", "title", "\"><script>x</script>").text("<b>&'</b>").close("p").toString();

        assertEquals("<p title=\"&quot;&gt;&lt;script&gt;x&lt;/script&gt;\">&lt;b&gt;&amp;&#39;&lt;/b&gt;</p>", html);
    }

    @Test
    void linksWithAScriptOrDataSchemeBecomeHarmless() {
        for (String url : new String[] {"javascript:alert(1)", " JavaScript:alert(1)", "data:text/html,x", "vbscript:x",
                "//evil.example/", "\\\\evil.example"}) {
            assertEquals("<a href=\"#\"></a>", new Html(32).open("a", "href", url).close("a").toString(), url);
        }
    }

    @Test
    void relativeAndHttpLinksStay() {
        for (String url : new String[] {"../../ui/bundles/a", "./", "ui/pypi/x?y=1:2", "#files", "https://example.com/x"}) {
            assertEquals(url, Html.safeUrl(url), url);
        }
    }
}
