package dev.baton.app.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.app.cli.RunningNode;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NodeEndpointsTest {
  @TempDir Path dir;

  private final StringWriter err = new StringWriter();

  @Test
  void shouldReadBackWhatTheNodeWrote() {
    NodeEndpoints written =
        NodeEndpoints.ofThisProcess("127.0.0.1:19402", "http://127.0.0.1:1", "p.");
    written.write(dir);

    assertThat(NodeEndpoints.read(dir)).contains(written);
    assertThat(written.writerAlive()).isTrue();
  }

  @Test
  void shouldDeleteTheFileOnlyWhenThisProcessWroteIt() throws Exception {
    NodeEndpoints other = new NodeEndpoints(-42, "b:1", "http://h:1", "", Instant.EPOCH);
    other.write(dir);
    NodeEndpoints.ofThisProcess("a:1", "http://a:1", "").deleteIfOurs(dir);
    assertThat(NodeEndpoints.fileOf(dir)).exists();

    other.deleteIfOurs(dir);
    assertThat(NodeEndpoints.fileOf(dir)).doesNotExist();
  }

  @Test
  void shouldRefuseAnotherVersionNamingTheFile() throws Exception {
    Files.writeString(NodeEndpoints.fileOf(dir), "{\"version\": 2}");

    assertThatThrownBy(() -> NodeEndpoints.read(dir))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(NodeEndpoints.fileOf(dir).toString())
        .hasMessageContaining("version 1");
  }

  @Test
  void shouldPreferGivenValuesThenTheRecordedNodeThenTheDefaults() {
    assertThat(RunningNode.of(dir, new PrintWriter(err)).bootstrap(null))
        .isEqualTo(RunningNode.DEFAULT_BOOTSTRAP);

    NodeEndpoints.ofThisProcess("127.0.0.1:19402", "http://127.0.0.1:19401", "p.").write(dir);
    RunningNode node = RunningNode.of(dir, new PrintWriter(err));

    assertThat(node.bootstrap("given:1")).isEqualTo("given:1");
    assertThat(node.bootstrap(null)).isEqualTo("127.0.0.1:19402");
    assertThat(node.server(null)).isEqualTo("http://127.0.0.1:19401");
    assertThat(node.topicPrefix(null)).isEqualTo("p.");
    assertThat(err.toString()).contains("using Kafka at 127.0.0.1:19402").doesNotContain("warning");
  }

  @Test
  void shouldWarnWhenTheRecordedNodeNoLongerRuns() {
    new NodeEndpoints(Long.MAX_VALUE, "127.0.0.1:9", "http://127.0.0.1:9", "", Instant.EPOCH)
        .write(dir);

    String bootstrap = RunningNode.of(dir, new PrintWriter(err)).bootstrap(null);

    assertThat(bootstrap).isEqualTo("127.0.0.1:9");
    assertThat(err.toString()).contains("warning: the node that wrote").contains("is not running");
  }
}
