package dev.baton.app.sink.projection;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.app.sink.projection.verify.ColumnDiff;
import dev.baton.app.topology.CommandFixtures;
import dev.baton.app.topology.TopologyHarness;
import dev.baton.sdk.protocol.Event;
import dev.baton.sdk.protocol.OutcomeCode;
import dev.baton.sdk.protocol.OutcomeStatus;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Through the raw topic: NUL is refused with INVALID and changes nothing; every other control
 * character is accepted and stored exactly, in SQLite and in PostgreSQL, so no value the topology
 * accepts can stall the projection.
 */
class ControlCharactersTest {
  /** Every C0 control but NUL, DEL, every C1 control, and the Unicode line and paragraph breaks. */
  static final String CONTROLS;

  static {
    StringBuilder all = new StringBuilder("ctl:");
    for (char c = 1; c < 0x20; c++) {
      all.append(c);
    }
    all.append('\u007f');
    for (char c = 0x80; c < 0xa0; c++) {
      all.append(c);
    }
    CONTROLS = all.append("\u2028\u2029").toString();
  }

  @TempDir Path dir;
  private TopologyHarness topology;

  @BeforeEach
  void start() {
    topology = new TopologyHarness(dir.resolve("streams"));
  }

  @AfterEach
  void stop() {
    topology.close();
  }

  @Test
  void shouldRefuseNulFromTheRawTopicAndChangeNothing() {
    TopologyHarness.Reply reply =
        topology.send(
            CommandFixtures.withReplyTo(CommandFixtures.create("alice", "n", "a\u0000b"), 0));

    assertThat(reply.outcome().status()).isEqualTo(OutcomeStatus.REJECTED);
    assertThat(reply.outcome().code()).isEqualTo(OutcomeCode.INVALID);
    assertThat(reply.outcome().message()).contains("body.title contains U+0000 (NUL) at index 1");
    assertThat(reply.events()).isEmpty();
    assertThat(topology.task(CommandFixtures.taskKey("n"))).isNull();
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void shouldStoreEveryOtherControlCharacterExactly(Dialect dialect) throws Exception {
    ObjectNode create = CommandFixtures.create("alice", "c", CONTROLS);
    ((ObjectNode) create.get("body")).put("description", CONTROLS + "\n" + CONTROLS);
    ((ObjectNode) create.get("body")).putObject("fields").put("k", CONTROLS);
    Event event = topology.send(CommandFixtures.withReplyTo(create, 0)).event();
    ProjectionRow row = EventRows.rowOf(event, 0, 0).orElseThrow();

    try (TestDatabases.TestDb target = TestDatabases.create(dialect, dir);
        ProjectionDatabase db = ProjectionDatabase.open(target.url())) {
      db.writer().apply(List.of(row), "baton.events", Map.of(0, 1L));

      try (PreparedStatement st =
              db.connection().prepareStatement("SELECT title, description FROM tasks");
          ResultSet rs = st.executeQuery()) {
        assertThat(rs.next()).isTrue();
        assertThat(rs.getString(1)).isEqualTo(CONTROLS);
        assertThat(rs.getString(2)).isEqualTo(CONTROLS + "\n" + CONTROLS);
      }
      ProjectionState expected = new ProjectionState();
      expected.apply(row);
      try (ProjectionReader reader = db.snapshot()) {
        assertThat(reader.all(RowKind.TASK).get(0).data()).isEqualTo(row.data());
        assertThat(ColumnDiff.compare("projection", expected, reader)).isEmpty();
      }
    }
  }
}
