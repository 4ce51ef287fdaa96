package dev.baton.app.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.app.config.AppConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeIdentityTest {
  @TempDir Path dir;

  private AppConfig config(Map<String, Object> more) {
    Properties p = new Properties();
    p.put(AppConfig.DATA_DIR, dir.toString());
    p.putAll(more);
    return AppConfig.parse(p);
  }

  @Test
  void shouldMakeTheIdOnceAndKeepItAcrossStarts() throws Exception {
    String first = NodeIdentity.resolve(config(Map.of())).nodeId();
    String second = NodeIdentity.resolve(config(Map.of())).nodeId();

    assertThat(first).startsWith("baton-").isEqualTo(second);
    assertThat(Files.readAllLines(dir.resolve(NodeIdentity.FILE)))
        .containsExactly("baton-node-id 1", first);
  }

  @Test
  void shouldPreferTheConfiguredIdAndWriteNothing() {
    AppConfig c = NodeIdentity.resolve(config(Map.of(AppConfig.NODE_ID, "pod-0")));

    assertThat(c.nodeId()).isEqualTo("pod-0");
    assertThat(dir.resolve(NodeIdentity.FILE)).doesNotExist();
  }

  @Test
  void shouldRefuseAFileInAnotherFormatNamingIt() throws Exception {
    Files.writeString(dir.resolve(NodeIdentity.FILE), "something else\n");

    assertThatThrownBy(() -> NodeIdentity.resolve(config(Map.of())))
        .hasMessageContaining(dir.resolve(NodeIdentity.FILE).toString())
        .hasMessageContaining(AppConfig.NODE_ID);
  }

  @Test
  void shouldRefuseAnIdThatIsNoGroupInstanceId() {
    assertThatThrownBy(() -> config(Map.of(AppConfig.NODE_ID, "pod 0/a")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(AppConfig.NODE_ID);
  }

  @Test
  void shouldGiveTheTopologyAndTheSinksStaticMembershipByTheNodeId() {
    AppConfig c = NodeIdentity.resolve(config(Map.of(AppConfig.NODE_ID, "pod-0")));
    Properties streams = StreamsSettings.of(c);

    assertThat(
            streams.get(StreamsConfig.mainConsumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG)))
        .isEqualTo("pod-0");
    assertThat(c.sinkGroupInstanceId(AppConfig.AUDIT_GROUP_INSTANCE_ID, "audit"))
        .isEqualTo("pod-0-audit");
    assertThat(
            c.with(AppConfig.PROJECTION_GROUP_INSTANCE_ID, "p-1")
                .sinkGroupInstanceId(AppConfig.PROJECTION_GROUP_INSTANCE_ID, "projection"))
        .isEqualTo("p-1");
  }

  @Test
  void shouldKeepDynamicMembershipWithoutANodeId() {
    AppConfig c = config(Map.of());

    assertThat(StreamsSettings.of(c))
        .doesNotContainKey(
            StreamsConfig.mainConsumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG));
    assertThat(c.sinkGroupInstanceId(AppConfig.AUDIT_GROUP_INSTANCE_ID, "audit")).isNull();
  }
}
