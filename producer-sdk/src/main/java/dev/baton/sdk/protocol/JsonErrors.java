package dev.baton.sdk.protocol;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import java.util.stream.Collectors;

/** Turns Jackson's exceptions into one-line messages that name the field. */
final class JsonErrors {
  private JsonErrors() {}

  static String describe(Exception e) {
    if (e instanceof JsonMappingException m && !m.getPath().isEmpty()) {
      String path =
          m.getPath().stream()
              .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
              .collect(Collectors.joining("."));
      return "field '" + path + "': " + firstLine(m.getOriginalMessage());
    }
    if (e instanceof JsonProcessingException p) {
      return firstLine(p.getOriginalMessage());
    }
    return firstLine(e.getMessage());
  }

  private static String firstLine(String message) {
    if (message == null) {
      return "unreadable";
    }
    int nl = message.indexOf('\n');
    String line = nl < 0 ? message : message.substring(0, nl);
    return line.length() > 300 ? line.substring(0, 300) + "..." : line;
  }
}
