package dev.baton.app.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.sdk.protocol.CommandBodies;

/**
 * Body of {@code POST /v1/locks/{workspace}/release} and {@code .../cancel}: the resource alone.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record LockResourceRequest(String resource) {

  /** This request, checked: a 400 names the bad resource. */
  LockResourceRequest checked() {
    Requests.resource("resource", resource);
    return this;
  }

  /** The {@code lock.release} or {@code lock.cancel} command body. */
  ObjectNode commandBody() {
    return CommandBodies.tree(new CommandBodies.LockResource(resource, null));
  }
}
