package dev.baton.app.processor;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.sdk.protocol.Command;
import dev.baton.sdk.protocol.CommandBodies;
import dev.baton.sdk.protocol.CommandBodies.TaskClaim;
import dev.baton.sdk.protocol.CommandBodies.TaskCreate;
import dev.baton.sdk.protocol.CommandBodies.TaskTransition;
import dev.baton.sdk.protocol.CommandBodies.TaskUpdate;
import dev.baton.sdk.protocol.EventType;
import dev.baton.sdk.protocol.InvalidCommandException;
import dev.baton.sdk.protocol.Json;
import dev.baton.sdk.protocol.Names;
import dev.baton.sdk.protocol.OutcomeCode;
import dev.baton.sdk.protocol.Task;
import dev.baton.sdk.protocol.TaskField;
import dev.baton.sdk.protocol.TaskStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The task state machine as pure functions: current task and command in, decision out. No store, no
 * clock, so every rule is unit-testable.
 *
 * <p>Optimistic concurrency with field-level merge: a task remembers, per field, the version that
 * last changed it ({@link Task#fieldVersions()}). A write with {@code expectedVersion = v} older
 * than the current version still applies when none of the fields it touches changed after {@code
 * v}; otherwise it is a {@code VERSION_CONFLICT}. Fields of the free-form {@code fields} object
 * count one by one ({@code fields.<name>}).
 */
public final class TaskRules {
  static final String STATUS = "status";
  static final String ASSIGNEE = "assignee";

  /**
   * Largest serialised task: three quarters of the read limit, leaving room for the outcome or
   * event envelope that carries it. Every field within its own limit, in the worst JSON escaping,
   * still fits a new task.
   */
  public static final int MAX_TASK_BYTES = Json.MAX_DOCUMENT_BYTES / 4 * 3;

  private static final Set<String> PATCHABLE = new TreeSet<>(TaskField.PATCHABLE);

  private TaskRules() {}

  public static TaskDecision create(Task current, Command cmd, TaskCreate body, Instant now) {
    if (current != null) {
      return new TaskDecision.Rejected(
          OutcomeCode.ALREADY_EXISTS,
          "task " + body.taskId() + " already exists (version " + current.version() + ")");
    }
    Map<String, Long> fieldVersions = new TreeMap<>();
    for (String f : List.of("title", STATUS)) {
      fieldVersions.put(f, 1L);
    }
    if (body.description() != null) fieldVersions.put("description", 1L);
    if (body.priority() != null) fieldVersions.put("priority", 1L);
    if (body.labels() != null) fieldVersions.put("labels", 1L);
    if (body.dependsOn() != null) fieldVersions.put("dependsOn", 1L);
    ObjectNode fields = body.fields() == null ? Json.mapper().createObjectNode() : body.fields();
    fields.fieldNames().forEachRemaining(name -> fieldVersions.put("fields." + name, 1L));
    Task task =
        new Task(
            body.taskId(),
            cmd.workspace(),
            body.title(),
            body.description(),
            TaskStatus.OPEN,
            null,
            body.priority(),
            body.labels() == null ? List.of() : List.copyOf(body.labels()),
            body.dependsOn() == null ? List.of() : List.copyOf(body.dependsOn()),
            fields,
            1L,
            cmd.agent(),
            now,
            cmd.agent(),
            now,
            fieldVersions);
    checkSize(task);
    return new TaskDecision.Applied(task, EventType.TASK_CREATED);
  }

  public static TaskDecision update(Task current, Command cmd, TaskUpdate body, Instant now) {
    if (current == null) {
      return notFound(body.taskId());
    }
    ObjectNode patch = body.patch();
    Set<String> touched = new LinkedHashSet<>();
    Iterator<String> names = patch.fieldNames();
    while (names.hasNext()) {
      String name = names.next();
      if (!PATCHABLE.contains(name)) {
        throw new InvalidCommandException(
            "field '"
                + Names.printable(name)
                + "' cannot be patched"
                + (name.equals(STATUS) ? "; use task.transition" : "")
                + (name.equals(ASSIGNEE) ? "; use task.claim" : "")
                + "; patchable are "
                + new TreeSet<>(PATCHABLE));
      }
      if (name.equals("fields")) {
        JsonNode fields = patch.get("fields");
        if (!fields.isObject()) {
          throw new InvalidCommandException("patch field 'fields' must be an object");
        }
        fields.fieldNames().forEachRemaining(f -> touched.add("fields." + f));
      } else {
        touched.add(name);
      }
    }
    TaskDecision conflict = checkVersion(current, cmd, touched);
    if (conflict != null) {
      return conflict;
    }
    long next = current.version() + 1;
    Map<String, Long> fieldVersions = new TreeMap<>(current.fieldVersions());
    touched.forEach(f -> fieldVersions.put(f, next));
    ObjectNode fields =
        current.fields() == null ? Json.mapper().createObjectNode() : current.fields().deepCopy();
    if (patch.has("fields")) {
      patch
          .get("fields")
          .fields()
          .forEachRemaining(
              e -> {
                if (e.getValue().isNull()) {
                  fields.remove(e.getKey());
                } else {
                  fields.set(e.getKey(), e.getValue());
                }
              });
    }
    Task updated =
        new Task(
            current.id(),
            current.workspace(),
            patch.has("title")
                ? requiredText(patch, "title", CommandBodies.MAX_TITLE_LENGTH)
                : current.title(),
            patch.has("description")
                ? optionalText(patch, "description", CommandBodies.MAX_TEXT_LENGTH)
                : current.description(),
            current.status(),
            current.assignee(),
            patch.has("priority") ? optionalInt(patch, "priority") : current.priority(),
            patch.has("labels") ? idList(patch, "labels") : current.labels(),
            patch.has("dependsOn") ? idList(patch, "dependsOn") : current.dependsOn(),
            fields,
            next,
            current.createdBy(),
            current.createdAt(),
            cmd.agent(),
            now,
            fieldVersions);
    if (updated.fields().toString().length() > CommandBodies.MAX_FIELDS_BYTES) {
      throw new InvalidCommandException(
          "fields would grow beyond " + CommandBodies.MAX_FIELDS_BYTES + " characters of JSON");
    }
    checkSize(updated);
    return new TaskDecision.Applied(updated, EventType.TASK_UPDATED);
  }

  public static TaskDecision claim(Task current, Command cmd, TaskClaim body, Instant now) {
    if (current == null) {
      return notFound(body.taskId());
    }
    // The guard first, as for every task write: a claim that would change nothing is still a
    // conflict when its expectedVersion is ahead or status/assignee changed after it.
    TaskDecision conflict = checkVersion(current, cmd, Set.of(STATUS, ASSIGNEE));
    if (conflict != null) {
      return conflict;
    }
    TaskStatus status = current.status();
    if (status == TaskStatus.DONE
        || status == TaskStatus.FAILED
        || status == TaskStatus.CANCELLED) {
      return new TaskDecision.Rejected(
          OutcomeCode.INVALID_TRANSITION,
          "task " + current.id() + " is " + status + " and cannot be claimed");
    }
    if (cmd.agent().equals(current.assignee())) {
      return new TaskDecision.Unchanged("task " + current.id() + " is already claimed by you");
    }
    if (current.assignee() != null) {
      return new TaskDecision.Rejected(
          OutcomeCode.ALREADY_CLAIMED,
          "task " + current.id() + " is claimed by " + current.assignee());
    }
    TaskStatus next = status == TaskStatus.OPEN ? TaskStatus.CLAIMED : status;
    return new TaskDecision.Applied(
        withStatus(current, next, cmd.agent(), cmd.agent(), now), EventType.TASK_CLAIMED);
  }

  public static TaskDecision transition(
      Task current, Command cmd, TaskTransition body, Instant now) {
    if (current == null) {
      return notFound(body.taskId());
    }
    TaskDecision conflict = checkVersion(current, cmd, Set.of(STATUS, ASSIGNEE));
    if (conflict != null) {
      return conflict;
    }
    TaskStatus to = body.to();
    if (to == current.status()) {
      return new TaskDecision.Unchanged("task " + current.id() + " is already " + to);
    }
    if (!current.status().canMoveTo(to)) {
      return new TaskDecision.Rejected(
          OutcomeCode.INVALID_TRANSITION,
          "task "
              + current.id()
              + " cannot move from "
              + current.status()
              + " to "
              + to
              + "; allowed: "
              + current.status().next());
    }
    String assignee = current.assignee();
    if (to == TaskStatus.OPEN) {
      assignee = null;
    } else if (assignee == null && (to == TaskStatus.CLAIMED || to == TaskStatus.IN_PROGRESS)) {
      assignee = cmd.agent();
    }
    return new TaskDecision.Applied(
        withStatus(current, to, assignee, cmd.agent(), now), EventType.TASK_STATUS_CHANGED);
  }

  private static Task withStatus(
      Task t, TaskStatus status, String assignee, String agent, Instant now) {
    long next = t.version() + 1;
    Map<String, Long> fieldVersions = new TreeMap<>(t.fieldVersions());
    fieldVersions.put(STATUS, next);
    if (!Objects.equals(assignee, t.assignee())) {
      fieldVersions.put(ASSIGNEE, next);
    }
    return new Task(
        t.id(),
        t.workspace(),
        t.title(),
        t.description(),
        status,
        assignee,
        t.priority(),
        t.labels(),
        t.dependsOn(),
        t.fields(),
        next,
        t.createdBy(),
        t.createdAt(),
        agent,
        now,
        fieldVersions);
  }

  /**
   * Null when the write may proceed; a conflict when {@code expectedVersion} is ahead of the task
   * or a touched field changed after it.
   */
  static TaskDecision checkVersion(Task current, Command cmd, Set<String> touched) {
    Long expected = cmd.expectedVersion();
    if (expected == null || expected == current.version()) {
      return null;
    }
    if (expected > current.version()) {
      return new TaskDecision.Rejected(
          OutcomeCode.VERSION_CONFLICT,
          "expectedVersion "
              + expected
              + " is ahead of task "
              + current.id()
              + " at version "
              + current.version());
    }
    List<String> changed = new ArrayList<>();
    for (String field : touched) {
      long changedAt = current.fieldVersions().getOrDefault(field, 0L);
      if (changedAt > expected) {
        changed.add(field + "@" + changedAt);
      }
    }
    if (changed.isEmpty()) {
      return null;
    }
    return new TaskDecision.Rejected(
        OutcomeCode.VERSION_CONFLICT,
        "task "
            + current.id()
            + " is at version "
            + current.version()
            + ", expected "
            + expected
            + "; changed since: "
            + String.join(", ", changed));
  }

  /**
   * A task must stay well inside what every reader accepts ({@link Json#MAX_DOCUMENT_BYTES}):
   * outcomes and events embed it whole, so an oversized task would be unreadable downstream.
   */
  static void checkSize(Task task) {
    int bytes;
    try {
      bytes = Json.mapper().writeValueAsBytes(task).length;
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot serialise task " + task.id(), e);
    }
    if (bytes > MAX_TASK_BYTES) {
      throw new InvalidCommandException(
          "task "
              + task.id()
              + " would be "
              + bytes
              + " bytes of JSON, the limit is "
              + MAX_TASK_BYTES);
    }
  }

  private static TaskDecision notFound(String taskId) {
    return new TaskDecision.Rejected(OutcomeCode.NOT_FOUND, "task " + taskId + " does not exist");
  }

  private static String requiredText(ObjectNode patch, String field, int max) {
    String value = optionalText(patch, field, max);
    if (value == null || value.isBlank()) {
      throw new InvalidCommandException("patch field '" + field + "' must not be empty");
    }
    return value;
  }

  private static String optionalText(ObjectNode patch, String field, int max) {
    JsonNode node = patch.get(field);
    if (node.isNull()) {
      return null;
    }
    if (!node.isTextual()) {
      throw new InvalidCommandException(
          "patch field '" + field + "' must be a string, got " + node.getNodeType());
    }
    if (node.asText().length() > max) {
      throw new InvalidCommandException(
          "patch field '"
              + field
              + "' is "
              + node.asText().length()
              + " characters long, the limit is "
              + max);
    }
    return node.asText();
  }

  private static Integer optionalInt(ObjectNode patch, String field) {
    JsonNode node = patch.get(field);
    if (node.isNull()) {
      return null;
    }
    if (!node.isInt()) {
      throw new InvalidCommandException(
          "patch field '" + field + "' must be an integer, got " + node);
    }
    return node.asInt();
  }

  private static List<String> idList(ObjectNode patch, String field) {
    JsonNode node = patch.get(field);
    if (node.isNull()) {
      return List.of();
    }
    if (!node.isArray()) {
      throw new InvalidCommandException(
          "patch field '" + field + "' must be an array of ids, got " + node.getNodeType());
    }
    if (node.size() > CommandBodies.MAX_LIST_SIZE) {
      throw new InvalidCommandException(
          "patch field '"
              + field
              + "' has "
              + node.size()
              + " entries, the limit is "
              + CommandBodies.MAX_LIST_SIZE);
    }
    List<String> out = new ArrayList<>();
    for (JsonNode item : node) {
      if (!item.isTextual()) {
        throw new InvalidCommandException(
            "patch field '" + field + "' entries must be strings, got " + item.getNodeType());
      }
      out.add(Names.checkId(field + " entry", item.asText()));
    }
    return List.copyOf(out);
  }
}
