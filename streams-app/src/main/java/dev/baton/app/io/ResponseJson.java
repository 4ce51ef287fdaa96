package dev.baton.app.io;

import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.sdk.protocol.Json;

/**
 * The mapper for reading Baton's own answers (HTTP responses read by the CLI and {@code verify}):
 * the protocol's mapper without the request-side document limit ({@link Json#MAX_DOCUMENT_BYTES}),
 * since a page of 1,000 tasks of 600 bytes is larger than any one request may be. Strings and
 * nesting keep generous bounds; the document as a whole has none.
 */
public final class ResponseJson {
  private static final ObjectMapper MAPPER = build();

  private ResponseJson() {}

  public static ObjectMapper mapper() {
    return MAPPER;
  }

  private static ObjectMapper build() {
    ObjectMapper mapper = Json.mapper().copy();
    mapper
        .getFactory()
        .setStreamReadConstraints(
            StreamReadConstraints.builder()
                .maxDocumentLength(-1)
                .maxStringLength(64 * Json.MAX_STRING_LENGTH)
                .maxNestingDepth(4 * Json.MAX_NESTING_DEPTH)
                .maxNumberLength(Json.MAX_NUMBER_LENGTH)
                .build());
    return mapper;
  }
}
