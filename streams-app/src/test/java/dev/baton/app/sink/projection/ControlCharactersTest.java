package dev.baton.app.sink.projection;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.app.sink.projection.verify.ColumnDiff;
import dev.baton.app.topology.CommandFixtures;
import dev.baton.app.topology.TopologyHarness;
import dev.baton.sdk.protocol.Event;
import dev.baton.sdk.protocol.Json;
import dev.baton.sdk.protocol.OutcomeCode;
import dev.baton.sdk.protocol.OutcomeStatus;
import java.nio.charset.StandardCharsets;
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

  /** A raw-topic command as a client writes it: {@code KEY} and {@code VALUE} replaced by text. */
  private static byte[] rawCreate(String id, String key, String value) {
    ObjectNode create = CommandFixtures.withReplyTo(CommandFixtures.create("alice", id, "ok"), 0);
    ((ObjectNode) create.get("body")).putObject("fields").put("KEY", "VALUE");
    return create
        .toString()
        .replace("KEY", key)
        .replace("VALUE", value)
        .getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void shouldRefuseAnUnpairedSurrogateFromTheRawTopicAndChangeNothing() {
    byte[] raw = rawCreate("s", "k", "x\\ud800y");

    TopologyHarness.Reply reply = topology.send(CommandFixtures.taskKey("s"), raw);

    assertThat(reply.outcome().status()).isEqualTo(OutcomeStatus.REJECTED);
    assertThat(reply.outcome().code()).isEqualTo(OutcomeCode.INVALID);
    assertThat(reply.outcome().message())
        .contains("body.fields.k contains an unpaired surrogate U+D800 at index 1");
    assertThat(reply.events()).isEmpty();
    assertThat(topology.task(CommandFixtures.taskKey("s"))).isNull();
  }

  @Test
  void shouldRejectAnUnpairedSurrogateInAFieldNameAsUnreadable() {
    byte[] raw = rawCreate("n", "k\\udc00", "v");

    TopologyHarness.Reply reply = topology.send(CommandFixtures.taskKey("n"), raw);

    // The JSON reader itself refuses a broken pair in a name: nothing of the command is readable.
    assertThat(reply.events()).hasSize(1);
    assertThat(reply.events().get(0).value.data().path("reason").asText())
        .startsWith("command is not valid JSON: malformed JSON at line 1")
        .contains("surrogate");
    assertThat(topology.task(CommandFixtures.taskKey("n"))).isNull();
  }

  @Test
  void shouldRefuseANumberNoStoreKeepsFromTheRawTopic() throws Exception {
    ObjectNode create = CommandFixtures.create("alice", "r", "ok");
    ((ObjectNode) create.get("body")).set("fields", Json.mapper().readTree("{\"n\":[1e-1001]}"));

    TopologyHarness.Reply reply = topology.send(CommandFixtures.withReplyTo(create, 0));

    assertThat(reply.outcome().code()).isEqualTo(OutcomeCode.INVALID);
    assertThat(reply.outcome().message()).startsWith("body.fields.n[0] is out of range");
    assertThat(topology.task(CommandFixtures.taskKey("r"))).isNull();
  }

  @ParameterizedTest
  @EnumSource(Dialect.class)
  void shouldKeepNumbersExactlyInTheProjection(Dialect dialect) throws Exception {
    ObjectNode create = CommandFixtures.create("alice", "x", "numbers");
    String fields =
        "{\"big\":1e400,\"fine\":1.000000000000000000001,\"long\":123456789012345678.5,"
            + "\"tiny\":1e-400}";
    ((ObjectNode) create.get("body")).set("fields", Json.mapper().readTree(fields));
    Event event = topology.send(CommandFixtures.withReplyTo(create, 0)).event();
    ProjectionRow row = EventRows.rowOf(event, 0, 0).orElseThrow();

    try (TestDatabases.TestDb target = TestDatabases.create(dialect, dir);
        ProjectionDatabase db = ProjectionDatabase.open(target.url())) {
      db.writer().apply(List.of(row), "baton.events", Map.of(0, 1L));

      try (PreparedStatement st = db.connection().prepareStatement("SELECT fields FROM tasks");
          ResultSet rs = st.executeQuery()) {
        assertThat(rs.next()).isTrue();
        assertThat(Json.mapper().readTree(rs.getString(1)))
            .isEqualTo(Json.mapper().readTree(fields));
      }
    }
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
