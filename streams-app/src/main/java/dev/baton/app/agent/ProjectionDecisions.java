package dev.baton.app.agent;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.app.sink.projection.ProjectionDatabase;
import dev.baton.app.sink.projection.ProjectionReader;
import dev.baton.app.sink.projection.RowKind;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Decisions from the SQL projection (read-only, one snapshot per call) and the document from the
 * {@code decisions.md} export. Both exist only where a projection sink runs ({@code baton up},
 * {@code baton sink}) and trail the log by the sink's lag.
 */
public final class ProjectionDecisions implements DecisionSource {
  private final String jdbcUrl;
  private final Path document;

  public ProjectionDecisions(String jdbcUrl, Path exportDir) {
    this.jdbcUrl = jdbcUrl;
    this.document = exportDir.resolve("decisions.md");
  }

  @Override
  public List<JsonNode> recent(String workspace, String taskId, int limit) {
    Deque<JsonNode> newest = new ArrayDeque<>();
    try (ProjectionDatabase db = ProjectionDatabase.openReadOnly(jdbcUrl);
        ProjectionReader reader = db.snapshot()) {
      // Rows come in (workspace, number) order; keep the last `limit` that match.
      reader.forEach(
          RowKind.DECISION,
          row -> {
            JsonNode d = row.data();
            if (workspace.equals(d.path("workspace").asText())
                && (taskId == null || taskId.equals(d.path("taskId").asText(null)))) {
              newest.addFirst(d);
              if (newest.size() > limit) {
                newest.removeLast();
              }
            }
          });
    } catch (Exception e) {
      throw new DecisionsUnavailableException(
          "decisions are read from the projection, which this node cannot read: " + e.getMessage(),
          e);
    }
    return new ArrayList<>(newest);
  }

  /**
   * Every decision of {@code workspace}, in number order (a full read of the projection's
   * decisions; the list is small next to tasks and locks).
   *
   * @throws DecisionsUnavailableException when this node has no projection to read
   */
  public List<JsonNode> all(String workspace) {
    List<JsonNode> decisions = new ArrayList<>();
    try (ProjectionDatabase db = ProjectionDatabase.openReadOnly(jdbcUrl);
        ProjectionReader reader = db.snapshot()) {
      reader.forEach(
          RowKind.DECISION,
          row -> {
            if (workspace.equals(row.data().path("workspace").asText())) {
              decisions.add(row.data());
            }
          });
    } catch (Exception e) {
      throw new DecisionsUnavailableException(
          "decisions are read from the projection, which this node cannot read: " + e.getMessage(),
          e);
    }
    decisions.sort(java.util.Comparator.comparingLong(d -> d.path("number").asLong()));
    return decisions;
  }

  @Override
  public String document() {
    try {
      return Files.readString(document, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new DecisionsUnavailableException(
          "this node exports no decisions.md (no projection sink runs here, or it has not written"
              + " one yet)",
          e);
    } catch (IOException e) {
      throw new DecisionsUnavailableException("cannot read decisions.md: " + e.getMessage(), e);
    }
  }
}
