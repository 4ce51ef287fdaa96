package dev.baton.app.crash;

import com.fasterxml.jackson.annotation.JsonIgnore;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * One command a workload client sent, with every answer it received: what was sent (kind, target,
 * {@code Idempotency-Key}, fencing token), when, and each attempt's answer in order. A client sends
 * the same request again with the same key after a connection error, a 503 or a 504 until it gets
 * an outcome, and sometimes once more after an outcome (a probe that must be answered {@code
 * DUPLICATE} with the first outcome).
 *
 * <p>Written by one client thread, read by the checker after the clients stopped.
 */
public final class CommandRecord {

  /** What the command does. */
  public enum Kind {
    /** {@code POST /v1/tasks/{ws}}: a new task. */
    CREATE,
    /** {@code PATCH /v1/tasks/{ws}/{id}} without a fence. */
    UPDATE,
    /** {@code PATCH /v1/tasks/{ws}/{id}} with {@code fenceToken}. */
    FENCED_UPDATE,
    /** {@code POST /v1/locks/{ws}/acquire}, exclusive. */
    ACQUIRE,
    /** {@code POST /v1/locks/{ws}/release}. */
    RELEASE;

    boolean isTaskWrite() {
      return this == CREATE || this == UPDATE || this == FENCED_UPDATE;
    }
  }

  /**
   * One attempt's answer.
   *
   * @param sentAtMillis wall-clock time the attempt was sent
   * @param answeredAtMillis wall-clock time the answer arrived
   * @param http the HTTP status, or -1 when the connection failed or timed out
   * @param status the outcome's {@code status} ({@code ACCEPTED}, {@code REJECTED}, {@code
   *     GRANTED}, {@code DUPLICATE}, ...), {@code REJECTED} for an error body carrying an outcome
   *     code, or null when the answer is not an outcome (503, 504, 429, no answer)
   * @param originalStatus a {@code DUPLICATE}'s {@code originalStatus}
   * @param code the outcome's code ({@code OK}, {@code LOCKED}, {@code FENCED}, ...)
   * @param commandId the command id the node answered with
   * @param version the aggregate's version in the outcome (0 when absent)
   * @param token the fencing token in the outcome (0 when absent)
   * @param probe true for a deliberate repeat after an outcome
   */
  public record Answer(
      long sentAtMillis,
      long answeredAtMillis,
      int http,
      String status,
      String originalStatus,
      String code,
      String commandId,
      long version,
      long token,
      boolean probe) {

    /** True when this answer is an outcome of the command (not a 503/504/429 or no answer). */
    @JsonIgnore
    public boolean isOutcome() {
      return status != null;
    }

    /** The status the command's first outcome had, as this answer tells it. */
    @JsonIgnore
    public String effectiveStatus() {
      return "DUPLICATE".equals(status) ? originalStatus : status;
    }
  }

  private final String client;
  private final Kind kind;
  private final String workspace;
  private final String taskId;
  private final String idempotencyKey;
  private final long fenceToken;
  private final List<Answer> answers = new ArrayList<>();
  private boolean gaveUp;

  public CommandRecord(
      String client,
      Kind kind,
      String workspace,
      String taskId,
      String idempotencyKey,
      long fenceToken) {
    this.client = Objects.requireNonNull(client);
    this.kind = Objects.requireNonNull(kind);
    this.workspace = Objects.requireNonNull(workspace);
    this.taskId = Objects.requireNonNull(taskId);
    this.idempotencyKey = Objects.requireNonNull(idempotencyKey);
    this.fenceToken = fenceToken;
  }

  public String client() {
    return client;
  }

  public Kind kind() {
    return kind;
  }

  public String workspace() {
    return workspace;
  }

  public String taskId() {
    return taskId;
  }

  /** The lock resource of an acquire, release or fenced write: the task's own lock. */
  public String resource() {
    return "task/" + taskId;
  }

  /** The aggregate key of the task and of its lock (they share one). */
  public String key() {
    return workspace + "/task/" + taskId;
  }

  public String idempotencyKey() {
    return idempotencyKey;
  }

  public long fenceToken() {
    return fenceToken;
  }

  public synchronized void add(Answer answer) {
    answers.add(answer);
  }

  public synchronized List<Answer> answers() {
    return List.copyOf(answers);
  }

  /** Marks the command as given up: no outcome arrived within the client's patience. */
  public synchronized void giveUp() {
    gaveUp = true;
  }

  public synchronized boolean gaveUp() {
    return gaveUp;
  }

  /** The first attempt's send time. */
  public synchronized long sentAtMillis() {
    return answers.isEmpty() ? Long.MAX_VALUE : answers.get(0).sentAtMillis();
  }

  /** The first outcome received, or null. */
  public synchronized Answer firstOutcome() {
    return answers.stream().filter(Answer::isOutcome).findFirst().orElse(null);
  }

  /** The command id the node named in any outcome, or null when none arrived. */
  public synchronized String commandId() {
    return answers.stream()
        .filter(a -> a.commandId() != null)
        .map(Answer::commandId)
        .findFirst()
        .orElse(null);
  }

  /**
   * The first outcome that acknowledges an effect ({@code ACCEPTED}, {@code GRANTED}, or a {@code
   * DUPLICATE} of one), or null.
   */
  public synchronized Answer acknowledged() {
    return answers.stream()
        .filter(a -> a.isOutcome() && isEffect(a.effectiveStatus()))
        .findFirst()
        .orElse(null);
  }

  /**
   * The first outcome that says nothing changed ({@code REJECTED}, or a duplicate of it), or null.
   */
  public synchronized Answer rejected() {
    return answers.stream()
        .filter(a -> a.isOutcome() && "REJECTED".equals(a.effectiveStatus()))
        .findFirst()
        .orElse(null);
  }

  private static boolean isEffect(String status) {
    return "ACCEPTED".equals(status) || "GRANTED".equals(status);
  }

  @Override
  public synchronized String toString() {
    return client
        + " "
        + kind
        + " "
        + key()
        + (fenceToken > 0 ? " fence " + fenceToken : "")
        + " key "
        + idempotencyKey
        + " answers "
        + answers;
  }
}
