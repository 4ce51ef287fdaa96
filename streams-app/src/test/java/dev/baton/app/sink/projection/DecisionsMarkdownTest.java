package dev.baton.app.sink.projection;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.app.sink.projection.export.DecisionsMarkdown;
import dev.baton.app.sink.projection.export.MarkdownText;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** decisions.md: structure, supersedes links, and agent text that cannot break out. */
class DecisionsMarkdownTest {
  private static final String HOSTILE =
      "# Injected heading\n## another\n```\ncode fence\n```\n<script>alert(1)</script>\n"
          + "<!-- comment\n> quote\n- item\n1. ordered\n    indented code\n| a | b |\n|---|---|\n"
          + "[link](http://evil.example) ![img](x.png) `tick` *em* _em_ ~~s~~ \\ &amp;\n"
          + "---\n===\nSetext\n\n\n\nlast line\u0007";

  private static String render(List<ProjectionRow> rows) {
    return new String(DecisionsMarkdown.render(rows, "baton.events"), StandardCharsets.UTF_8);
  }

  @Test
  void shouldRenderHostileAgentTextWithoutChangingTheDocumentStructure() {
    String md =
        render(
            List.of(
                Rows.decision("default", 1, HOSTILE, HOSTILE, null, 0, 10),
                Rows.decision("default", 2, "Plain title", "Plain text.", null, 1, 11)));
    List<String> lines = Arrays.asList(md.split("\n", -1));

    // The only headings are the document's own: title, one workspace, one per decision.
    List<String> headings = lines.stream().filter(l -> l.startsWith("#")).toList();
    assertThat(headings).hasSize(4);
    assertThat(headings.get(0)).isEqualTo("# Decisions");
    assertThat(headings.get(1)).isEqualTo("## Workspace default");
    assertThat(headings.get(2))
        .startsWith("### 1. \\# Injected heading \\#\\# another \\`\\`\\` code fence")
        .contains("&lt;script&gt;alert(1)&lt;/script&gt;");
    assertThat(headings.get(3)).isEqualTo("### 2. Plain title");
    // No raw HTML, code, list, quote, table or thematic-break syntax from the agent survives.
    assertThat(md).doesNotContain("<script", "```", "[link](", "![img]");
    assertThat(md.replace("<!-- baton decisions.md", "").replace("<a id=", "").replace("></a>", ""))
        .doesNotContain("<");
    for (String line : lines) {
      if (line.startsWith("- **")
          || line.startsWith("<a id=")
          || line.startsWith("#")
          || line.startsWith("<!-- baton")
          || line.isEmpty()
          || line.startsWith("**")) {
        continue;
      }
      assertThat(line)
          .as("agent line")
          .doesNotStartWith("-")
          .doesNotStartWith(">")
          .doesNotStartWith("|")
          .doesNotStartWith("    ")
          .doesNotStartWith("=")
          .doesNotStartWith("+")
          .doesNotMatch("^\\d+[.)].*")
          .doesNotContain("\u0007");
    }
    assertThat(md)
        .contains(
            "1\\. ordered",
            "\\[link\\](http://evil.example)",
            "\\`tick\\`",
            "\\*em\\*",
            "\\_em\\_",
            "\\~\\~s\\~\\~",
            "\\\\",
            "&amp;amp;",
            "\\---",
            "\\===");
  }

  @Test
  void shouldLinkSupersedesBothWaysAndMarkTheOldDecisionSuperseded() {
    String md =
        render(
            List.of(
                Rows.decision("default", 1, "Use SQLite", "ctx", null, 0, 3),
                Rows.decision("default", 2, "Use PostgreSQL at scale", "ctx", 1, 2, 8),
                Rows.decision("team-b", 1, "Other workspace", "ctx", null, 1, 4)));

    String first = section(md, "### 1. Use SQLite");
    String second = section(md, "### 2. Use PostgreSQL at scale");
    assertThat(first)
        .contains("- **Status:** superseded by [decision 2](#decision-default-2)")
        .contains("- **Author:** carol")
        .contains("- **Task:** login")
        .contains("- **Recorded:** 2026-11-27T22:00:01.012Z")
        .contains("- **Log position:** partition 0, offset 3 of baton.events");
    assertThat(second)
        .contains("- **Status:** accepted")
        .contains("- **Supersedes:** [decision 1](#decision-default-1)");
    assertThat(md).contains("<a id=\"decision-default-1\"></a>\n### 1. Use SQLite");
    assertThat(md).contains("<a id=\"decision-default-2\"></a>");
    assertThat(md.indexOf("## Workspace default")).isLessThan(md.indexOf("## Workspace team-b"));
    assertThat(md).contains("<a id=\"decision-team-b-1\"></a>");
  }

  @Test
  void shouldKeepLineBreaksAndParagraphsOfAgentText() {
    assertThat(MarkdownText.block("first\nsecond\n\n\n\nthird"))
        .isEqualTo("first\\\nsecond\n\nthird");
    assertThat(MarkdownText.inline("a\nb\r\nc")).isEqualTo("a b c");
  }

  @Test
  void shouldListEverySuperseder() {
    String md =
        render(
            List.of(
                Rows.decision("default", 1, "First", "ctx", null, 0, 1),
                Rows.decision("default", 2, "Second", "ctx", 1, 0, 2),
                Rows.decision("default", 3, "Third", "ctx", 1, 0, 3)));

    assertThat(section(md, "### 1. First"))
        .contains(
            "- **Status:** superseded by [decision 2](#decision-default-2),"
                + " [decision 3](#decision-default-3)");
  }

  @Test
  void shouldKeepLeadingSpacesAndLineSeparators() {
    assertThat(MarkdownText.block("  two\n    four\n\tone tab"))
        .isEqualTo(
            "&nbsp;&nbsp;two\\\n&nbsp;&nbsp;&nbsp;&nbsp;four\\\n&nbsp;&nbsp;&nbsp;&nbsp;one tab");
    assertThat(MarkdownText.block("a\u2028b\u2029c")).isEqualTo("a\u2028b\u2029c");
    assertThat(MarkdownText.inline("x\u2028y")).isEqualTo("x\u2028y");
    assertThat(MarkdownText.block("end\u2028")).isEqualTo("end\u2028");
  }

  private static String section(String md, String heading) {
    int start = md.indexOf(heading);
    assertThat(start).as(heading).isNotNegative();
    int end = md.indexOf("\n### ", start + 1);
    return md.substring(start, end < 0 ? md.length() : end);
  }
}
