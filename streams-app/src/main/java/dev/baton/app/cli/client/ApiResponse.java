package dev.baton.app.cli.client;

import com.fasterxml.jackson.databind.JsonNode;

/** One answer of the HTTP API: status and JSON body. */
public record ApiResponse(int status, JsonNode body) {
  public boolean ok() {
    return status >= 200 && status < 300;
  }

  /** A command the topology refused: the error body carries the outcome's code and state. */
  public boolean rejected() {
    return !ok() && body.hasNonNull("code");
  }

  /** The error code of a failed answer ({@code error} of the error body). */
  public String error() {
    return body.path("error").asText("HTTP_" + status);
  }

  public String message() {
    return body.path("message").asText("");
  }
}
