package dev.baton.app.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.clients.admin.MemberAssignment;
import org.apache.kafka.clients.admin.MemberDescription;
import org.junit.jupiter.api.Test;

class StaleStreamMembersTest {

  private static MemberDescription member(String instanceId) {
    return new MemberDescription(
        "m-" + instanceId,
        Optional.ofNullable(instanceId),
        "client",
        "/127.0.0.1",
        new MemberAssignment(Set.of()));
  }

  @Test
  void aThreadsMemberIdIsTheNodeIdAndItsIndex() {
    assertThat(StaleStreamMembers.instanceId("node-a", "baton-1f2e-StreamThread-2"))
        .isEqualTo("node-a-2");
    assertThat(StaleStreamMembers.instanceId("node-a", "baton-1f2e-GlobalStreamThread")).isNull();
    assertThat(StaleStreamMembers.instanceId("node-a", "baton-1f2e-StreamThread-x")).isNull();
  }

  @Test
  void onlyThisNodesMembersThatNoLiveThreadHoldsAreStale() {
    List<MemberDescription> members =
        List.of(
            member("node-a-1"),
            member("node-a-2"),
            member("node-a-12"),
            member("node-b-2"),
            member("node-a-2-audit"),
            member("node-a"),
            member(null));

    assertThat(StaleStreamMembers.stale(members, "node-a", Set.of("node-a-1")))
        .as("other nodes', the sinks', dynamic members and live threads' are kept")
        .containsExactly("node-a-12", "node-a-2");
    assertThat(
            StaleStreamMembers.stale(
                members, "node-a", Set.of("node-a-1", "node-a-2", "node-a-12")))
        .isEmpty();
    assertThat(StaleStreamMembers.stale(members, "node", Set.of()))
        .as("a node id that is a prefix of another node's")
        .isEmpty();
  }
}
