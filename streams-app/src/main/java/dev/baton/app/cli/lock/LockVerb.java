package dev.baton.app.cli.lock;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.app.cli.client.ClientCommand;
import dev.baton.app.http.LockResourceRequest;
import dev.baton.sdk.protocol.InvalidCommandException;
import dev.baton.sdk.protocol.Json;
import dev.baton.sdk.protocol.Names;
import java.io.PrintWriter;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * A lock verb: addresses {@code /v1/locks/<workspace>}, the resource in the body (or the query of a
 * status read), and prints a rejection's lock state readably.
 */
abstract class LockVerb extends ClientCommand {
  /** {@code /v1/locks/<workspace>/<action>}; the workspace is a checked id, safe in a path. */
  protected String lockPath(String action) {
    return "/v1/locks/" + client.workspace() + "/" + action;
  }

  /** {@code /v1/locks/<workspace>?resource=<resource>}. */
  protected String statusPath(String resource) {
    return "/v1/locks/"
        + client.workspace()
        + "?resource="
        + URLEncoder.encode(resource, StandardCharsets.UTF_8);
  }

  /** The resource argument, checked as the server will; a bad one is a usage error. */
  protected String checkedResource(String resource) {
    try {
      return Names.checkResource("RESOURCE", resource);
    } catch (InvalidCommandException e) {
      throw client.usage(e.getMessage());
    }
  }

  /** A body naming {@code resource} alone (release, cancel). */
  protected static JsonNode resourceBody(String resource) {
    return Json.mapper().valueToTree(new LockResourceRequest(resource));
  }

  /** With {@code --json} the answer as is; otherwise {@code human}. */
  protected void print(JsonNode body, String human, PrintWriter out) {
    out.println(client.json() ? json(body) : human);
  }

  @Override
  protected void printState(JsonNode state, PrintWriter to) {
    to.println(LockFormat.detail(state));
  }
}
