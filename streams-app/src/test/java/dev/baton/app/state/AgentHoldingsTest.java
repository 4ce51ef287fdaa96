package dev.baton.app.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.app.http.InMemoryLockStores;
import dev.baton.sdk.protocol.AggregateKeys;
import dev.baton.sdk.protocol.LockMode;
import dev.baton.sdk.protocol.LockState;
import java.time.Instant;
import java.util.List;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.junit.jupiter.api.Test;

class AgentHoldingsTest {
  private static final Instant LEASE = Instant.parse("2026-12-06T06:00:00Z");
  private final InMemoryLockStores stores = new InMemoryLockStores();

  private void lock(String workspace, String resource, String holder, String... waiters) {
    List<LockState.Holder> holders =
        holder == null
            ? List.of()
            : List.of(
                new LockState.Holder(
                    holder, "r-" + holder, LockMode.EXCLUSIVE, 7, 60_000, LEASE, LEASE));
    List<LockState.Waiter> queue =
        java.util.Arrays.stream(waiters)
            .map(
                w ->
                    new LockState.Waiter(
                        w, "r-" + w, LockMode.EXCLUSIVE, 60_000, LEASE, LEASE, null))
            .toList();
    stores.put(
        new LockState(
            resource,
            workspace,
            AggregateKeys.lock(workspace, resource),
            holders,
            queue,
            7,
            1,
            LEASE,
            List.of()));
  }

  @Test
  void shouldFindTheAgentsGrantsAndQueuedRequestsAcrossFilesAndTasks() {
    lock("ws", "file/src/A.java", "alice");
    lock("ws", "task/login", "alice", "bob");
    lock("ws", "file/src/B.java", "bob", "carol", "alice");
    lock("ws", "file/src/C.java", null);

    AgentHoldings.Holdings alice = new AgentHoldings(stores).find("ws", "alice");

    assertThat(alice.held())
        .containsExactly(
            new AgentHoldings.Held("file/src/A.java", LockMode.EXCLUSIVE, 7, LEASE),
            new AgentHoldings.Held("task/login", LockMode.EXCLUSIVE, 7, LEASE));
    assertThat(alice.waiting())
        .containsExactly(
            new AgentHoldings.Waiting("file/src/B.java", LockMode.EXCLUSIVE, 2, LEASE));
    assertThat(alice.complete()).isTrue();
  }

  @Test
  void shouldNotSeeLocksOfOtherWorkspacesEvenWithACommonPrefix() {
    lock("ws2", "file/A.java", "alice");
    lock("w", "file/A.java", "alice");

    AgentHoldings.Holdings found = new AgentHoldings(stores).find("ws", "alice");

    assertThat(found.held()).isEmpty();
    assertThat(found.waiting()).isEmpty();
  }

  @Test
  void shouldSayWhenTheScanStoppedAtItsBound() {
    lock("ws", "file/1", "alice");
    lock("ws", "file/2", "alice");
    lock("ws", "file/3", "alice");

    AgentHoldings.Holdings found = new AgentHoldings(stores, 2).find("ws", "alice");

    assertThat(found.held()).hasSize(2);
    assertThat(found.complete()).isFalse();
  }

  @Test
  void shouldFailLikeEveryQueryWhileTheStoreIsNotQueryable() {
    stores.setQueryable(false);
    assertThatThrownBy(() -> new AgentHoldings(stores).find("ws", "alice"))
        .isInstanceOf(InvalidStateStoreException.class);
  }
}
