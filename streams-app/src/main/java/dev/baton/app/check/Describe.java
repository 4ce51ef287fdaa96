package dev.baton.app.check;

import dev.baton.sdk.protocol.LockState.Holder;
import dev.baton.sdk.protocol.LockState.Waiter;
import java.util.List;
import java.util.stream.Collectors;

/** Short descriptions of holders and waiters for violation messages. */
final class Describe {
  private Describe() {}

  static String holder(Holder h) {
    return h.agent()
        + " ("
        + h.mode()
        + ", token "
        + h.token()
        + ", request "
        + h.requestId()
        + ")";
  }

  static String holders(List<Holder> holders) {
    return holders.stream().map(Describe::holder).collect(Collectors.joining(", "));
  }

  static String waiter(Waiter w) {
    return w.agent() + " (" + w.mode() + ", request " + w.requestId() + ")";
  }
}
