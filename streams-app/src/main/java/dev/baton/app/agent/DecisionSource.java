package dev.baton.app.agent;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * Decisions as the node can serve them. The topology keeps only the last number per workspace, so
 * reading decisions needs the projection (or, for the document, the {@code decisions.md} export).
 */
public interface DecisionSource {
  /**
   * The newest {@code limit} decisions of {@code workspace}, newest first, linked to {@code taskId}
   * when it is not null.
   *
   * @throws DecisionsUnavailableException when this node has no projection to read
   */
  List<JsonNode> recent(String workspace, String taskId, int limit);

  /**
   * The decisions document ({@code decisions.md}).
   *
   * @throws DecisionsUnavailableException when this node does not export it
   */
  String document();

  /** Decisions cannot be read on this node; the message says why and where they are. */
  final class DecisionsUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public DecisionsUnavailableException(String message, Throwable cause) {
      super(message, cause);
    }
  }
}
