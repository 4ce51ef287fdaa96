package dev.baton.app.check;

import dev.baton.sdk.protocol.LockState.Holder;
import dev.baton.sdk.protocol.LockState.Waiter;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * {@link Invariant#FIFO}: one queue per resource across both modes. Between two lock events of a
 * key, the waiters that stay keep their order and new waiters join at the tail; a request is
 * granted only when no request queued before it still waits. The latter is what makes the lock
 * fair: an exclusive waiter is never overtaken by later collaborative requests (and neither is a
 * collaborative one, since a compatible request ahead would have been granted first).
 *
 * <p>Needs the lock's previous state, so the first lock event of a key in the history is checked by
 * the other rules only.
 */
final class FifoRule implements HistoryRule {

  @Override
  public void check(Step step, Violations out) {
    if (!step.isLockEvent() || step.before() == null) {
      return;
    }
    List<Waiter> previous = step.before().queue();
    List<Waiter> next = step.after().queue();
    Set<String> stillWaiting = next.stream().map(Waiter::requestId).collect(Collectors.toSet());
    List<String> stayed =
        previous.stream().map(Waiter::requestId).filter(stillWaiting::contains).toList();
    List<String> nextOrder = next.stream().map(Waiter::requestId).toList();
    if (!nextOrder.subList(0, Math.min(stayed.size(), nextOrder.size())).equals(stayed)) {
      out.add(
          Invariant.FIFO,
          step.at(),
          "queue order changed: the waiters "
              + stayed
              + " that stayed are now ordered "
              + nextOrder);
    }
    for (Holder granted : step.newHolders()) {
      int place = indexOf(previous, granted.requestId());
      List<Waiter> earlier = place < 0 ? previous : previous.subList(0, place);
      for (Waiter w : earlier) {
        if (stillWaiting.contains(w.requestId())) {
          boolean compatible = granted.mode().compatibleWith(w.mode());
          out.add(
              Invariant.FIFO,
              step.at(),
              "granted "
                  + Describe.holder(granted)
                  + " while "
                  + Describe.waiter(w)
                  + ", queued before it"
                  + (compatible ? "" : " and incompatible with it")
                  + ", still waits");
        }
      }
    }
  }

  private static int indexOf(List<Waiter> queue, String requestId) {
    for (int i = 0; i < queue.size(); i++) {
      if (queue.get(i).requestId().equals(requestId)) {
        return i;
      }
    }
    return -1;
  }
}
