package dev.baton.app.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.sdk.protocol.CommandBodies;
import dev.baton.sdk.protocol.Names;

/**
 * Body of {@code POST /v1/locks/{workspace}/force-release}: {@code resource} is required; {@code
 * holder} names the agent whose grant ends (absent: every holder); {@code reason} goes to the
 * audit.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ForceReleaseRequest(String resource, String holder, String reason) {

  /** This request, checked: a 400 names the first bad field. */
  ForceReleaseRequest checked() {
    Requests.resource("resource", resource);
    if (holder != null) {
      Names.checkId("holder", holder);
    }
    if (reason != null && reason.length() > CommandBodies.MAX_TEXT_LENGTH) {
      throw ApiError.invalid(
          "reason is "
              + reason.length()
              + " characters long, the limit is "
              + CommandBodies.MAX_TEXT_LENGTH);
    }
    return this;
  }

  /** The {@code lock.force_release} command body. */
  ObjectNode commandBody() {
    return CommandBodies.tree(new CommandBodies.LockForceRelease(resource, holder, reason));
  }
}
