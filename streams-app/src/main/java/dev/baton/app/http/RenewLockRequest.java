package dev.baton.app.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.sdk.protocol.CommandBodies;

/**
 * Body of {@code POST /v1/locks/{workspace}/renew}: {@code resource} is required; {@code leaseMs}
 * is the new lease counted from now, absent to keep the grant's lease.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record RenewLockRequest(String resource, Long leaseMs) {

  /** This request, checked: a 400 names the first bad field. */
  RenewLockRequest checked() {
    Requests.resource("resource", resource);
    AcquireLockRequest.checkLease(leaseMs);
    return this;
  }

  /** The {@code lock.renew} command body. */
  ObjectNode commandBody() {
    return CommandBodies.tree(new CommandBodies.LockResource(resource, leaseMs));
  }
}
