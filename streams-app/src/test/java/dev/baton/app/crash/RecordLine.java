package dev.baton.app.crash;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.baton.app.crash.CommandRecord.Answer;
import dev.baton.app.crash.CommandRecord.Kind;
import dev.baton.sdk.protocol.Json;
import java.util.List;

/**
 * A {@link CommandRecord} as one JSON line, for a workload client in another process to hand its
 * history to the test.
 */
record RecordLine(
    String client,
    Kind kind,
    String workspace,
    String taskId,
    String key,
    long fence,
    boolean gaveUp,
    List<Answer> answers) {
  static final String PREFIX = "RECORD ";

  static RecordLine of(CommandRecord r) {
    return new RecordLine(
        r.client(),
        r.kind(),
        r.workspace(),
        r.taskId(),
        r.idempotencyKey(),
        r.fenceToken(),
        r.gaveUp(),
        r.answers());
  }

  String json() {
    try {
      return Json.mapper().writeValueAsString(this);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The records in a process's output, from its lines starting with {@link #PREFIX}. */
  static List<CommandRecord> parse(String output) {
    return output
        .lines()
        .filter(l -> l.startsWith(PREFIX))
        .map(l -> read(l.substring(PREFIX.length())).toRecord())
        .toList();
  }

  private static RecordLine read(String json) {
    try {
      return Json.mapper().readValue(json, RecordLine.class);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("not a record line: " + json, e);
    }
  }

  CommandRecord toRecord() {
    CommandRecord r = new CommandRecord(client, kind, workspace, taskId, key, fence);
    answers.forEach(r::add);
    if (gaveUp) {
      r.giveUp();
    }
    return r;
  }
}
