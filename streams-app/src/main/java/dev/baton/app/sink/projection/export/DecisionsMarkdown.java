package dev.baton.app.sink.projection.export;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.app.sink.projection.ProjectionRow;
import dev.baton.app.sink.projection.Timestamps;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Renders decisions as {@code decisions.md}, an ADR-style log people read in any Markdown viewer.
 *
 * <h2>Format, version 2</h2>
 *
 * <p>Version 2 lists every superseder (version 1 showed only the newest) and keeps leading spaces
 * and line separators of agent text.
 *
 * <pre>
 * &lt;!-- baton decisions.md format 1: generated from the projection, do not edit --&gt;
 * # Decisions
 *
 * ## Workspace default               one section per workspace, in name order
 *
 * &lt;a id="decision-default-2"&gt;&lt;/a&gt;
 * ### 2. Title                         decisions in number order
 *
 * - **Status:** accepted | superseded by [decision 3](#decision-default-3), [decision 5](...)
 *                                   (every decision that supersedes it, oldest first)
 * - **Supersedes:** [decision 1](#decision-default-1)      (when it does)
 * - **Author:** agent
 * - **Recorded:** 2026-11-27T22:00:00.012Z
 * - **Task:** login                                          (when linked)
 * - **Log position:** partition 2, offset 17 of baton.events
 *
 * **Context** / **Decision** / **Alternatives** / **Consequences**, each followed by its text
 * when present.
 * </pre>
 *
 * Agent text goes through {@link MarkdownText}, so it cannot change the document's structure.
 */
public final class DecisionsMarkdown {
  public static final int FORMAT_VERSION = 2;

  private DecisionsMarkdown() {}

  /** The document for {@code decisions} (rows of kind decision, any order). */
  public static byte[] render(List<ProjectionRow> decisions, String topic) {
    Map<String, Map<Long, JsonNode>> byWorkspace = new TreeMap<>();
    for (ProjectionRow row : decisions) {
      JsonNode d = row.data();
      byWorkspace
          .computeIfAbsent(d.path("workspace").asText(), ws -> new TreeMap<>())
          .put(row.version(), withPosition(row));
    }
    StringBuilder md = new StringBuilder();
    md.append("<!-- baton decisions.md format ")
        .append(FORMAT_VERSION)
        .append(": generated from the projection, do not edit -->\n");
    md.append("# Decisions\n");
    if (byWorkspace.isEmpty()) {
      md.append("\nNo decisions have been recorded yet.\n");
    }
    for (Map.Entry<String, Map<Long, JsonNode>> ws : byWorkspace.entrySet()) {
      renderWorkspace(md, ws.getKey(), ws.getValue(), topic);
    }
    return md.toString().getBytes(StandardCharsets.UTF_8);
  }

  private static JsonNode withPosition(ProjectionRow row) {
    var copy = row.data().deepCopy();
    if (copy.isObject()) {
      ((com.fasterxml.jackson.databind.node.ObjectNode) copy).put("_partition", row.partition());
      ((com.fasterxml.jackson.databind.node.ObjectNode) copy).put("_offset", row.offset());
    }
    return copy;
  }

  private static void renderWorkspace(
      StringBuilder md, String workspace, Map<Long, JsonNode> decisions, String topic) {
    Map<Long, List<Long>> supersededBy = new HashMap<>();
    for (Map.Entry<Long, JsonNode> e : decisions.entrySet()) {
      JsonNode s = e.getValue().get("supersedes");
      if (s != null && s.canConvertToLong()) {
        // In number order, since decisions is sorted: every superseder is listed, oldest first.
        supersededBy.computeIfAbsent(s.asLong(), n -> new ArrayList<>()).add(e.getKey());
      }
    }
    md.append("\n## Workspace ").append(MarkdownText.inline(workspace)).append("\n");
    for (Map.Entry<Long, JsonNode> e : decisions.entrySet()) {
      long number = e.getKey();
      JsonNode d = e.getValue();
      md.append("\n<a id=\"").append(anchor(workspace, number)).append("\"></a>\n");
      md.append("### ").append(number).append(". ").append(MarkdownText.inline(text(d, "title")));
      md.append("\n\n");
      List<Long> by = supersededBy.get(number);
      md.append("- **Status:** ")
          .append(
              by == null
                  ? "accepted"
                  : "superseded by "
                      + String.join(
                          ", ", by.stream().map(n -> link(workspace, n, decisions)).toList()))
          .append("\n");
      JsonNode supersedes = d.get("supersedes");
      if (supersedes != null && supersedes.canConvertToLong()) {
        md.append("- **Supersedes:** ")
            .append(link(workspace, supersedes.asLong(), decisions))
            .append("\n");
      }
      md.append("- **Author:** ").append(MarkdownText.inline(text(d, "agent"))).append("\n");
      String at = Timestamps.format(d.get("at"));
      md.append("- **Recorded:** ").append(at == null ? "unknown" : at).append("\n");
      String task = text(d, "taskId");
      if (task != null) {
        md.append("- **Task:** ").append(MarkdownText.inline(task)).append("\n");
      }
      md.append("- **Log position:** partition ")
          .append(d.path("_partition").asInt())
          .append(", offset ")
          .append(d.path("_offset").asLong());
      if (topic != null) {
        md.append(" of ").append(MarkdownText.inline(topic));
      }
      md.append("\n");
      section(md, "Context", text(d, "context"));
      section(md, "Decision", text(d, "decision"));
      section(md, "Alternatives", text(d, "alternatives"));
      section(md, "Consequences", text(d, "consequences"));
    }
  }

  private static String link(String workspace, long number, Map<Long, JsonNode> decisions) {
    String label = "decision " + number;
    return decisions.containsKey(number)
        ? "[" + label + "](#" + anchor(workspace, number) + ")"
        : label;
  }

  private static void section(StringBuilder md, String name, String text) {
    String body = MarkdownText.block(text);
    if (body.isEmpty()) {
      return;
    }
    md.append("\n**").append(name).append("**\n\n").append(body).append("\n");
  }

  /** The HTML anchor of decision {@code number} of {@code workspace}: letters, digits, - and _. */
  public static String anchor(String workspace, long number) {
    StringBuilder a = new StringBuilder("decision-");
    for (char c : workspace.toCharArray()) {
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-') {
        a.append(c);
      } else {
        a.append('_').append(Integer.toHexString(c));
      }
    }
    return a.append('-').append(number).toString();
  }

  private static String text(JsonNode d, String field) {
    JsonNode v = d.get(field);
    return v == null || v.isNull() ? null : v.asText();
  }
}
