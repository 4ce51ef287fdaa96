package dev.baton.app.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.sdk.protocol.Json;

/**
 * Body of {@code POST /v1/locks/{workspace}/renew}: {@code resource} is required; {@code leaseMs}
 * is the new lease counted from now, absent to keep the grant's lease.
 */
public record RenewLockRequest(String resource, Long leaseMs) {

  /** This request, checked: a 400 names the first bad field. */
  RenewLockRequest checked() {
    Requests.resource("resource", resource);
    AcquireLockRequest.checkLease(leaseMs);
    return this;
  }

  /** The {@code lock.renew} command body. */
  ObjectNode commandBody() {
    ObjectNode body = Json.mapper().createObjectNode();
    body.put("resource", resource);
    if (leaseMs != null) {
      body.put("leaseMs", leaseMs);
    }
    return body;
  }
}
