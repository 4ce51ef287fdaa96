package dev.baton.sdk.protocol;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.List;

/**
 * The typed payload of each command type: the one shape every door builds a command from (the SDK,
 * the HTTP gateway, the agent tools and hooks, through {@link #tree(Body)}) and the processor reads
 * it as ({@link #read(Command)}, strictly: unknown fields are errors, so a typo never passes
 * silently). Absent optional fields are left out of the JSON, never sent as {@code null}.
 */
public final class CommandBodies {
  /** Longest title, in characters. */
  public static final int MAX_TITLE_LENGTH = 512;

  /** Longest long text (description, reason, decision texts), in characters. */
  public static final int MAX_TEXT_LENGTH = 32 * 1024;

  /** Most entries of a list field ({@code labels}, {@code dependsOn}). */
  public static final int MAX_LIST_SIZE = 64;

  /** Largest {@code fields} object, in bytes of JSON. */
  public static final int MAX_FIELDS_BYTES = 64 * 1024;

  private CommandBodies() {}

  /** The body of a command: one record per command type ({@link #bodyClass(CommandType)}). */
  public sealed interface Body
      permits TaskBody, LockBody, DecisionRecord, EventEmit, StateRestore {}

  /** Task commands address a task by id. */
  public sealed interface TaskBody extends Body permits TaskCreate, TaskWrite {
    /**
     * The task addressed.
     *
     * @return the task id
     */
    String taskId();
  }

  /**
   * A write to an existing task: the commands that may carry a {@code fence} and, with it, {@code
   * release}.
   */
  public sealed interface TaskWrite extends TaskBody permits TaskUpdate, TaskClaim, TaskTransition {
    /**
     * {@code true}: when the write is accepted, release the grant the command's {@code fence} names
     * in the same step, as a {@code lock.release} by its holder would. Null or {@code false}: no
     * release. Needs a fence.
     *
     * @return true to release, else null or false
     */
    Boolean release();

    /**
     * Whether the write asks to release its fenced lock.
     *
     * @return {@code release()} is true
     */
    default boolean releasesLock() {
      return Boolean.TRUE.equals(release());
    }
  }

  /** Lock commands address a resource. */
  public sealed interface LockBody extends Body
      permits LockAcquire, LockResource, LockForceRelease {
    /**
     * The resource addressed.
     *
     * @return the locked resource
     */
    String resource();
  }

  /**
   * Body of {@code task.create}.
   *
   * @param taskId the new task's id
   * @param title the title (required)
   * @param description a long text, or null
   * @param priority a priority, or null
   * @param labels labels, or null
   * @param dependsOn ids of tasks this one depends on, or null
   * @param fields free-form fields, or null
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record TaskCreate(
      String taskId,
      String title,
      String description,
      Integer priority,
      List<String> labels,
      List<String> dependsOn,
      ObjectNode fields)
      implements TaskBody {}

  /**
   * A patch: only the fields present change. {@code fields} merges key by key; a {@code null} value
   * removes that key.
   *
   * @param taskId the task
   * @param patch the fields to change
   * @param release release the fenced grant with the write, or null
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record TaskUpdate(String taskId, ObjectNode patch, Boolean release) implements TaskWrite {}

  /**
   * Body of {@code task.claim}.
   *
   * @param taskId the task
   * @param release release the fenced grant with the claim, or null
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record TaskClaim(String taskId, Boolean release) implements TaskWrite {}

  /**
   * Body of {@code task.transition}.
   *
   * @param taskId the task
   * @param to the new status
   * @param reason why, or null
   * @param release release the fenced grant with the move, or null
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record TaskTransition(String taskId, TaskStatus to, String reason, Boolean release)
      implements TaskWrite {}

  /**
   * Body of {@code lock.acquire}.
   *
   * @param resource the resource to lock
   * @param mode exclusive or collaborative
   * @param leaseMs the lease, or null for the server's default
   * @param waitMs how long to wait in the queue (0: try once), or null for the server's default
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record LockAcquire(String resource, LockMode mode, Long leaseMs, Long waitMs)
      implements LockBody {}

  /**
   * Body of {@code lock.release}, {@code lock.renew} (optional new lease) and {@code lock.cancel}.
   *
   * @param resource the locked resource
   * @param leaseMs the new lease of a renewal, or null
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record LockResource(String resource, Long leaseMs) implements LockBody {}

  /**
   * Body of {@code lock.force_release}: an admin ends grants it does not hold. The command's agent
   * is the admin, recorded as the one who released.
   *
   * @param resource the locked resource
   * @param holder the agent whose grant ends, or null for every holder
   * @param reason why, for the audit, or null
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record LockForceRelease(String resource, String holder, String reason)
      implements LockBody {}

  /**
   * Body of {@code decision.record}.
   *
   * @param title the title (required)
   * @param context the situation, or null
   * @param decision what was decided (required)
   * @param alternatives what else was considered, or null
   * @param consequences what follows, or null
   * @param supersedes the number of the decision it replaces, or null
   * @param taskId the task it belongs to, or null
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record DecisionRecord(
      String title,
      String context,
      String decision,
      String alternatives,
      String consequences,
      Integer supersedes,
      String taskId)
      implements Body {}

  /**
   * Body of {@code event.emit}.
   *
   * @param name the event's name
   * @param taskId the task it concerns, or null
   * @param payload free-form JSON, or null
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record EventEmit(String name, String taskId, ObjectNode payload) implements Body {}

  /**
   * Admin: reset one aggregate key to the state a checkpoint recorded. {@code task}, {@code lock}
   * or both (the lock on {@code task/<id>} shares the task's key); the topology gives them new,
   * higher versions and never lowers a lock's {@code lastToken}.
   *
   * @param checkpoint the id of the checkpoint the state comes from (informational, audited)
   * @param task the task as the checkpoint holds it, or null
   * @param lock the lock as the checkpoint holds it, or null
   */
  @JsonInclude(JsonInclude.Include.NON_NULL)
  public record StateRestore(String checkpoint, Task task, LockState lock) implements Body {}

  /**
   * The body class of each command type.
   *
   * @param type the command type
   * @return its body record class
   */
  public static Class<?> bodyClass(CommandType type) {
    return switch (type) {
      case TASK_CREATE -> TaskCreate.class;
      case TASK_UPDATE -> TaskUpdate.class;
      case TASK_CLAIM -> TaskClaim.class;
      case TASK_TRANSITION -> TaskTransition.class;
      case LOCK_ACQUIRE -> LockAcquire.class;
      case LOCK_RELEASE, LOCK_RENEW, LOCK_CANCEL -> LockResource.class;
      case LOCK_FORCE_RELEASE -> LockForceRelease.class;
      case DECISION_RECORD -> DecisionRecord.class;
      case EVENT_EMIT -> EventEmit.class;
      case STATE_RESTORE -> StateRestore.class;
    };
  }

  /**
   * {@code body} as the JSON a command carries. Fields that are null are left out; a {@code null}
   * inside a JSON value (a patch's {@code fields} key to remove) is kept.
   *
   * @param body the body
   * @return its JSON
   */
  public static ObjectNode tree(Body body) {
    return Json.mapper().valueToTree(body);
  }

  private static final ObjectReader STRICT =
      Json.mapper().reader().with(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  /**
   * Reads and validates the body of {@code command} as its type's body record.
   *
   * @param command the command
   * @return its body record
   * @throws InvalidCommandException when the body is missing, malformed or breaks a limit
   */
  public static Object read(Command command) {
    if (command.body() == null) {
      throw new InvalidCommandException("body is missing for " + command.type().wire());
    }
    Class<?> type = bodyClass(command.type());
    Object body;
    try {
      body = STRICT.forType(type).readValue(command.body());
    } catch (UnrecognizedPropertyException e) {
      throw new InvalidCommandException(
          "unknown field '"
              + Names.printable(e.getPropertyName())
              + "' in the body of "
              + command.type().wire());
    } catch (IOException | IllegalArgumentException e) {
      throw new InvalidCommandException(
          "body of " + command.type().wire() + " is malformed: " + JsonErrors.describe(e));
    }
    validate(body);
    if (body instanceof TaskWrite write && write.releasesLock() && command.fence() == null) {
      throw new InvalidCommandException(
          "release needs a fence: "
              + command.type().wire()
              + " of task "
              + write.taskId()
              + " asks to release its lock but carries no fence (the token of the grant on task/"
              + write.taskId()
              + " to release)");
    }
    return body;
  }

  /**
   * The aggregate key a command addresses, from its workspace and body.
   *
   * @param command the command
   * @param body its body record
   * @return the aggregate key
   */
  public static String keyOf(Command command, Object body) {
    String ws = command.workspace();
    if (body instanceof TaskBody task) {
      return AggregateKeys.task(ws, task.taskId());
    }
    if (body instanceof LockBody lock) {
      return AggregateKeys.lock(ws, lock.resource());
    }
    if (body instanceof DecisionRecord) {
      return AggregateKeys.decisions(ws);
    }
    if (body instanceof StateRestore restore) {
      return restore.task() != null
          ? AggregateKeys.task(ws, restore.task().id())
          : AggregateKeys.lock(ws, restore.lock().resource());
    }
    if (body instanceof EventEmit emit && emit.taskId() != null) {
      return AggregateKeys.task(ws, emit.taskId());
    }
    return AggregateKeys.agent(ws, command.agent());
  }

  private static void validate(Object body) {
    if (body instanceof TaskBody task) {
      Names.checkId("taskId", task.taskId());
    }
    if (body instanceof LockBody lock) {
      Names.checkResource("resource", lock.resource());
      if (lock.resource().startsWith(AggregateKeys.TASK_RESOURCE_PREFIX)) {
        Names.checkId(
            "task id in resource",
            lock.resource().substring(AggregateKeys.TASK_RESOURCE_PREFIX.length()));
      }
    }
    if (body instanceof TaskCreate c) {
      required("title", c.title());
      text("title", c.title(), MAX_TITLE_LENGTH);
      text("description", c.description(), MAX_TEXT_LENGTH);
      ids("labels", c.labels());
      ids("dependsOn", c.dependsOn());
      fieldsSize(c.fields());
    } else if (body instanceof TaskUpdate u) {
      if (u.patch() == null || u.patch().isEmpty()) {
        throw new InvalidCommandException("patch must name at least one field");
      }
    } else if (body instanceof TaskTransition t) {
      if (t.to() == null) {
        throw new InvalidCommandException("to (the target status) is missing");
      }
      text("reason", t.reason(), MAX_TEXT_LENGTH);
    } else if (body instanceof LockAcquire a) {
      if (a.mode() == null) {
        throw new InvalidCommandException("mode is missing; use EXCLUSIVE or COLLABORATIVE");
      }
      nonNegative("waitMs", a.waitMs());
    } else if (body instanceof LockForceRelease f) {
      if (f.holder() != null) {
        Names.checkId("holder", f.holder());
      }
      text("reason", f.reason(), MAX_TEXT_LENGTH);
    } else if (body instanceof DecisionRecord d) {
      required("title", d.title());
      text("title", d.title(), MAX_TITLE_LENGTH);
      required("decision", d.decision());
      text("context", d.context(), MAX_TEXT_LENGTH);
      text("decision", d.decision(), MAX_TEXT_LENGTH);
      text("alternatives", d.alternatives(), MAX_TEXT_LENGTH);
      text("consequences", d.consequences(), MAX_TEXT_LENGTH);
      if (d.supersedes() != null && d.supersedes() < 1) {
        throw new InvalidCommandException(
            "supersedes must be a decision number >= 1, got " + d.supersedes());
      }
      if (d.taskId() != null) {
        Names.checkId("taskId", d.taskId());
      }
    } else if (body instanceof StateRestore r) {
      validateRestore(r);
    } else if (body instanceof EventEmit e) {
      required("name", e.name());
      text("name", e.name(), MAX_TITLE_LENGTH);
      if (e.taskId() != null) {
        Names.checkId("taskId", e.taskId());
      }
      fieldsSize(e.payload());
    }
  }

  private static void validateRestore(StateRestore r) {
    if (r.task() == null && r.lock() == null) {
      throw new InvalidCommandException("state.restore needs a task, a lock or both");
    }
    if (r.checkpoint() != null) {
      text("checkpoint", r.checkpoint(), MAX_TITLE_LENGTH);
    }
    if (r.task() != null) {
      Names.checkId("task.id", r.task().id());
      required("task.title", r.task().title());
      if (r.task().status() == null) {
        throw new InvalidCommandException("task.status is missing");
      }
    }
    if (r.lock() != null) {
      Names.checkResource("lock.resource", r.lock().resource());
      if (r.lock().lastToken() < 0) {
        throw new InvalidCommandException(
            "lock.lastToken must be >= 0, got " + r.lock().lastToken());
      }
    }
    if (r.task() != null && r.lock() != null) {
      String expected = AggregateKeys.TASK_RESOURCE_PREFIX + r.task().id();
      if (!expected.equals(r.lock().resource())) {
        throw new InvalidCommandException(
            "a restore of task "
                + r.task().id()
                + " can only carry the lock "
                + expected
                + ", not "
                + Names.printable(r.lock().resource()));
      }
    }
  }

  private static void required(String field, String value) {
    if (value == null || value.isBlank()) {
      throw new InvalidCommandException(field + " must not be empty");
    }
  }

  private static void text(String field, String value, int max) {
    if (value != null && value.length() > max) {
      throw new InvalidCommandException(
          field + " is " + value.length() + " characters long, the limit is " + max);
    }
  }

  private static void nonNegative(String field, Long value) {
    if (value != null && value < 0) {
      throw new InvalidCommandException(field + " must be >= 0, got " + value);
    }
  }

  private static void ids(String field, List<String> values) {
    if (values == null) {
      return;
    }
    if (values.size() > MAX_LIST_SIZE) {
      throw new InvalidCommandException(
          field + " has " + values.size() + " entries, the limit is " + MAX_LIST_SIZE);
    }
    for (String v : values) {
      Names.checkId(field + " entry", v);
    }
  }

  private static void fieldsSize(ObjectNode fields) {
    if (fields != null && fields.toString().length() > MAX_FIELDS_BYTES) {
      throw new InvalidCommandException(
          "fields are larger than " + MAX_FIELDS_BYTES + " characters of JSON");
    }
  }
}
