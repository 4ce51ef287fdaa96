package dev.baton.app.topology;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.baton.sdk.protocol.Json;
import dev.baton.sdk.protocol.OutcomeCode;
import dev.baton.sdk.protocol.OutcomeStatus;
import dev.baton.sdk.protocol.TaskField;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * A small in-memory implementation of the documented semantics of tasks and locks ({@code
 * docs/protocol.md}: the command table, the state machine, optimistic locking with field-level
 * merge, locks on task writes, write and release, the lock table, the FIFO read-write queue,
 * leases, fencing tokens, retries, {@code state.restore}). It is written from the documentation
 * alone and shares no code with the processor: {@link ModelPropertyTest} runs the same commands
 * through both and compares what they answer and what they keep.
 *
 * <p>Where the documentation leaves a choice open, the choice made here is written next to the code
 * as "docs:" (what the documentation says) or "chosen:" (what this model assumes, and {@code
 * docs/protocol.md} now says).
 *
 * <p>Expiries are evaluated only when {@link #punctuate} is called, the way a punctuation does: due
 * leases and waits, in deadline order (a lease before a wait at the same instant), each judged at
 * the punctuation's time.
 */
final class ReferenceModel {

  /** Deliberate mistakes, to show that the comparison catches a wrong model. */
  enum Flaw {
    NONE,
    /** Shared requests skip the queue when they are compatible with the holders. */
    SHARED_OVERTAKES_WAITING_EXCLUSIVE,
    /** A write with an older {@code expectedVersion} always conflicts (no field-level merge). */
    NO_FIELD_LEVEL_MERGE,
    /** A retried command id is executed again instead of being answered DUPLICATE. */
    NO_DEDUP,
    /** A retry of a request that still waits repeats its first QUEUED answer, stale position. */
    STALE_QUEUED_RETRY
  }

  /**
   * One outcome. A null component means the documentation does not fix it: the comparison ignores
   * it.
   */
  record Answer(
      String commandId,
      OutcomeStatus status,
      OutcomeStatus originalStatus,
      OutcomeCode code,
      Long version,
      Long token,
      Integer position,
      List<String> holders,
      Instant leaseDeadline,
      String messageEnd) {

    Answer asDuplicate() {
      return status == OutcomeStatus.DUPLICATE
          ? this
          : new Answer(
              commandId,
              OutcomeStatus.DUPLICATE,
              status,
              code,
              version,
              token,
              position,
              holders,
              leaseDeadline,
              messageEnd);
    }
  }

  /** One event: its type, key and the aggregate's version (null when not fixed). */
  record Change(String type, String key, Long version) {}

  /** What one command or one punctuation produced; {@code keys} are the answers' keys. */
  record Result(List<Answer> answers, List<String> keys, List<Change> changes) {}

  /** A task as the model keeps it. */
  static final class ModelTask {
    String id;
    String title;
    String description;
    String status;
    String assignee;
    ObjectNode fields = Json.mapper().createObjectNode();
    long version;

    /** Per field, the version that last changed it; {@code fields.<name>} for free fields. */
    final Map<String, Long> fieldVersions = new TreeMap<>();

    /** The version that last changed {@code field}, as the merge rule reads it. */
    long fieldVersion(String field) {
      return Math.max(1, fieldVersions.getOrDefault(field, 0L));
    }
  }

  record Holder(
      String agent,
      String requestId,
      String mode,
      long token,
      long leaseMs,
      Instant grantedAt,
      Instant leaseDeadline) {}

  record Waiter(String agent, String requestId, String mode, long leaseMs, Instant waitDeadline) {}

  /** A lock as the model keeps it. */
  static final class ModelLock {
    final List<Holder> holders = new ArrayList<>();
    final List<Waiter> queue = new ArrayList<>();
    long lastToken;
    long version;

    /** Agents whose lease ran out and who hold nothing since: their renew or release is EXPIRED. */
    final Set<String> expired = new HashSet<>();
  }

  /** The task's own fields that carry a version (free fields count as {@code fields.<name>}). */
  static final List<String> VERSIONED_FIELDS =
      Arrays.stream(TaskField.values())
          .filter(f -> f != TaskField.FIELDS)
          .map(TaskField::wire)
          .toList();

  private static final Map<String, Set<String>> MOVES =
      Map.of(
          "OPEN", Set.of("CLAIMED", "IN_PROGRESS", "BLOCKED", "CANCELLED"),
          "CLAIMED", Set.of("OPEN", "IN_PROGRESS", "BLOCKED", "CANCELLED"),
          "IN_PROGRESS", Set.of("OPEN", "BLOCKED", "REVIEW", "DONE", "FAILED", "CANCELLED"),
          "BLOCKED", Set.of("OPEN", "IN_PROGRESS", "CANCELLED"),
          "REVIEW", Set.of("IN_PROGRESS", "DONE", "FAILED"),
          "DONE", Set.of("OPEN"),
          "FAILED", Set.of("OPEN"),
          "CANCELLED", Set.of());

  private final Flaw flaw;
  final Map<String, ModelTask> tasks = new TreeMap<>();
  final Map<String, ModelLock> locks = new TreeMap<>();
  private final Map<String, Integer> decisions = new HashMap<>();
  private final Map<String, Answer> remembered = new HashMap<>();

  ReferenceModel(Flaw flaw) {
    this.flaw = flaw;
  }

  /** What the documented semantics answer to {@code cmd}, sent under {@code key} at {@code now}. */
  Result command(String key, JsonNode cmd, Instant now) {
    String id = cmd.path("id").asText();
    Answer first = remembered.get(id);
    if (first != null && flaw != Flaw.NO_DEDUP) {
      // docs: a retry with the same id is answered with the first outcome as DUPLICATE and
      // changes nothing; a queued request's later outcome replaces what its retries get, and a
      // retry of a request that still waits is told its position now and the lock's version.
      Answer answer =
          flaw == Flaw.STALE_QUEUED_RETRY
              ? first.asDuplicate()
              : stillWaiting(key, id).orElse(first.asDuplicate());
      return new Result(List.of(answer), List.of(key), List.of());
    }
    Out out = new Out(id, key);
    String type = cmd.path("type").asText();
    switch (type) {
      case "task.create", "task.update", "task.claim", "task.transition" ->
          taskWrite(out, key, cmd, now);
      case "lock.acquire" -> acquire(out, key, cmd, now);
      case "lock.renew" -> renew(out, key, cmd, now);
      case "lock.release" -> release(out, key, cmd, now);
      case "lock.cancel" -> cancel(out, key, cmd, now);
      case "decision.record" -> decide(out, key, cmd);
      case "event.emit" -> {
        out.own(ok(id, null, null));
        out.change("agent.event", key, null);
      }
      case "state.restore" -> restore(out, key, cmd, now);
      default -> throw new IllegalArgumentException("the model does not know " + type);
    }
    return out.result();
  }

  /** The token {@code agent} holds on the lock under {@code key}, or null. */
  Long tokenOf(String key, String agent) {
    ModelLock lock = locks.get(key);
    Holder h = lock == null ? null : holderOf(lock, agent);
    return h == null ? null : h.token();
  }

  /** Expires the leases and waits due at {@code now}, in deadline order. */
  Result punctuate(Instant now) {
    // chosen: due leases and waits in deadline order, a lease before a wait at the same instant.
    // Several of one kind due at the same instant: the docs fix no order; the model follows the
    // topology's (leases by token, waits by request id, each compared as text).
    record Due(Instant at, int kind, String key, String tie, String agent) {}
    List<Due> due = new ArrayList<>();
    locks.forEach(
        (key, lock) -> {
          lock.holders.stream()
              .filter(h -> !h.leaseDeadline().isAfter(now))
              .forEach(
                  h ->
                      due.add(
                          new Due(
                              h.leaseDeadline(), 0, key, String.valueOf(h.token()), h.agent())));
          lock.queue.stream()
              .filter(w -> !w.waitDeadline().isAfter(now))
              .forEach(w -> due.add(new Due(w.waitDeadline(), 1, key, w.requestId(), w.agent())));
        });
    due.sort(
        Comparator.comparing(Due::at)
            .thenComparing(Due::kind)
            .thenComparing(Due::key)
            .thenComparing(Due::tie));
    Out out = new Out(null, null);
    for (Due d : due) {
      ModelLock lock = locks.get(d.key());
      if (d.kind() == 0) {
        Holder h = holderOf(lock, d.agent());
        if (h == null || h.leaseDeadline().isAfter(now)) {
          continue;
        }
        lock.holders.remove(h);
        lock.expired.add(h.agent());
        out.change("lock.expired", d.key(), ++lock.version);
        grantHead(out, d.key(), lock, now);
      } else {
        Waiter w = waiterOf(lock, d.agent());
        if (w == null || w.waitDeadline().isAfter(now)) {
          continue;
        }
        lock.queue.remove(w);
        out.change("lock.wait_expired", d.key(), ++lock.version);
        out.later(d.key(), reject(w.requestId(), OutcomeCode.EXPIRED, lock.version));
        grantHead(out, d.key(), lock, now);
      }
    }
    return out.result();
  }

  // ---------------------------------------------------------------- tasks

  private void create(Out out, String key, JsonNode cmd) {
    ModelTask existing = tasks.get(key);
    if (existing != null) {
      out.own(reject(out.id, OutcomeCode.ALREADY_EXISTS, existing.version));
      return;
    }
    JsonNode body = cmd.path("body");
    ModelTask t = new ModelTask();
    t.id = body.path("taskId").asText();
    t.title = body.path("title").asText();
    t.status = "OPEN";
    t.version = 1;
    t.fieldVersions.put("title", 1L);
    if (body.has("fields")) {
      t.fields = body.get("fields").deepCopy();
      t.fields.fieldNames().forEachRemaining(f -> t.fieldVersions.put("fields." + f, 1L));
    }
    tasks.put(key, t);
    out.change("task.created", key, 1L);
    out.own(ok(out.id, 1L, null));
  }

  private void taskWrite(Out out, String key, JsonNode cmd, Instant now) {
    String type = cmd.path("type").asText();
    JsonNode body = cmd.path("body");
    String agent = cmd.path("agent").asText();
    boolean release = body.path("release").asBoolean(false);
    JsonNode fence = cmd.get("fence");
    if (release && fence == null) {
      // docs: "release": true without a fence is INVALID and changes nothing.
      out.own(reject(out.id, OutcomeCode.INVALID, null));
      return;
    }
    // chosen: the lock checks come first (FENCED, then LOCKED), for every task command.
    ModelTask t = tasks.get(key);
    ModelLock lock = locks.get(key);
    if (fence != null) {
      // docs: FENCED unless the token is a grant of task/<id> the writer still holds (for an
      // exclusive lock that is the newest grant; collaborative holders each hold their own).
      long token = fence.path("token").asLong();
      boolean valid =
          lock != null
              && lock.holders.stream().anyMatch(h -> h.agent().equals(agent) && h.token() == token);
      if (!valid) {
        out.own(reject(out.id, OutcomeCode.FENCED, t == null ? null : t.version));
        return;
      }
    }
    if (lock != null
        && lock.holders.stream()
            .anyMatch(h -> h.mode().equals("EXCLUSIVE") && !h.agent().equals(agent))) {
      // docs: while a task is exclusively locked, writes by anyone but the holder are LOCKED.
      out.own(reject(out.id, OutcomeCode.LOCKED, t == null ? null : t.version));
      return;
    }
    if (type.equals("task.create")) {
      create(out, key, cmd);
      return;
    }
    if (t == null) {
      out.own(reject(out.id, OutcomeCode.NOT_FOUND, null));
      return;
    }
    List<String> touched = new ArrayList<>();
    JsonNode patch = body.path("patch");
    if (type.equals("task.update")) {
      if (patch.has("title")) {
        touched.add("title");
      }
      patch.path("fields").fieldNames().forEachRemaining(f -> touched.add("fields." + f));
    } else {
      touched.add("status");
      touched.add("assignee");
    }
    if (cmd.has("expectedVersion")) {
      long expected = cmd.get("expectedVersion").asLong();
      boolean conflict =
          expected > t.version
              || (expected < t.version
                  && (flaw == Flaw.NO_FIELD_LEVEL_MERGE
                      || touched.stream().anyMatch(f -> t.fieldVersion(f) > expected)));
      if (conflict) {
        out.own(reject(out.id, OutcomeCode.VERSION_CONFLICT, t.version));
        return;
      }
    }
    long next = t.version + 1;
    Map<String, Long> changed = new TreeMap<>();
    String eventType;
    switch (type) {
      case "task.update" -> {
        // chosen: an update is a write of every field it names: it always makes a new version,
        // and each named field counts as changed by it, even when its value stays the same.
        eventType = "task.updated";
        touched.forEach(f -> changed.put(f, next));
        if (patch.has("title")) {
          t.title = patch.get("title").asText();
        }
        Iterator<Map.Entry<String, JsonNode>> fs = patch.path("fields").fields();
        while (fs.hasNext()) {
          Map.Entry<String, JsonNode> f = fs.next();
          if (f.getValue().isNull()) {
            t.fields.remove(f.getKey());
          } else {
            t.fields.set(f.getKey(), f.getValue().deepCopy());
          }
        }
      }
      case "task.claim" -> {
        eventType = "task.claimed";
        if (Set.of("DONE", "FAILED", "CANCELLED").contains(t.status)) {
          // chosen: a finished task cannot be claimed, whoever holds it.
          out.own(reject(out.id, OutcomeCode.INVALID_TRANSITION, t.version));
          return;
        }
        if (t.assignee != null && !t.assignee.equals(agent)) {
          out.own(reject(out.id, OutcomeCode.ALREADY_CLAIMED, t.version));
          return;
        }
        if (t.assignee == null) {
          // chosen: an unassigned task gets the caller; OPEN becomes CLAIMED, other statuses stay.
          // chosen: an applied claim or transition stamps status (it always touches it), and
          // assignee when that changes.
          t.assignee = agent;
          changed.put("assignee", next);
          changed.put("status", next);
          if (t.status.equals("OPEN")) {
            t.status = "CLAIMED";
          }
        }
      }
      default -> {
        eventType = "task.status_changed";
        String to = body.path("to").asText();
        if (!to.equals(t.status)) {
          if (!MOVES.get(t.status).contains(to)) {
            out.own(reject(out.id, OutcomeCode.INVALID_TRANSITION, t.version));
            return;
          }
          t.status = to;
          changed.put("status", next);
          if (to.equals("OPEN") && t.assignee != null) {
            t.assignee = null;
            changed.put("assignee", next);
          } else if ((to.equals("CLAIMED") || to.equals("IN_PROGRESS")) && t.assignee == null) {
            t.assignee = agent;
            changed.put("assignee", next);
          }
        }
      }
    }
    if (!changed.isEmpty()) {
      t.version = next;
      t.fieldVersions.putAll(changed);
      out.change(eventType, key, next);
    }
    if (!release) {
      out.own(ok(out.id, t.version, null));
      return;
    }
    // docs: an accepted write with release releases the grant its fence names, as lock.release
    // would: lock.released, then grants in queue order; one outcome, the write's.
    long token = fence.path("token").asLong();
    Holder h = lock.holders.stream().filter(x -> x.token() == token).findFirst().orElseThrow();
    lock.holders.remove(h);
    out.change("lock.released", key, ++lock.version);
    out.own(
        accepted(
            out.id,
            t.version,
            null,
            null,
            "released lock task/" + t.id + " (token " + token + ")"));
    grantHead(out, key, lock, now);
  }

  // ---------------------------------------------------------------- locks

  private void acquire(Out out, String key, JsonNode cmd, Instant now) {
    JsonNode body = cmd.path("body");
    String agent = cmd.path("agent").asText();
    String mode = body.path("mode").asText();
    long leaseMs = body.path("leaseMs").asLong();
    long waitMs = body.path("waitMs").asLong(0);
    ModelLock lock = locks.get(key);
    if (lock != null) {
      Holder held = holderOf(lock, agent);
      if (held != null) {
        if (!held.mode().equals(mode)) {
          // docs: asking in another mode while holding is INVALID (which carries no state).
          out.own(reject(out.id, OutcomeCode.INVALID, null));
          return;
        }
        // docs: re-acquiring in the same mode extends the lease and keeps the token.
        Holder extended = extend(lock, held, leaseMs, now);
        // chosen: the event is lock.renewed (the answer is GRANTED).
        out.change("lock.renewed", key, ++lock.version);
        out.own(granted(out.id, lock, extended));
        return;
      }
      if (waiterOf(lock, agent) != null) {
        // docs: asking again while queued is INVALID.
        out.own(reject(out.id, OutcomeCode.INVALID, null));
        return;
      }
    } else {
      lock = new ModelLock();
    }
    boolean overtakes =
        flaw == Flaw.SHARED_OVERTAKES_WAITING_EXCLUSIVE && mode.equals("COLLABORATIVE");
    if ((lock.queue.isEmpty() || overtakes) && compatible(lock, mode)) {
      locks.put(key, lock);
      Holder h = grant(lock, agent, out.id, mode, leaseMs, now);
      out.change("lock.granted", key, ++lock.version);
      out.own(granted(out.id, lock, h));
      return;
    }
    if (waitMs == 0) {
      out.own(reject(out.id, OutcomeCode.LOCKED, lock.version));
      return;
    }
    locks.put(key, lock);
    lock.queue.add(new Waiter(agent, out.id, mode, leaseMs, now.plusMillis(waitMs)));
    out.change("lock.queued", key, ++lock.version);
    out.own(
        new Answer(
            out.id,
            OutcomeStatus.QUEUED,
            null,
            OutcomeCode.OK,
            lock.version,
            null,
            lock.queue.size(),
            null,
            null,
            null));
  }

  private void renew(Out out, String key, JsonNode cmd, Instant now) {
    ModelLock lock = locks.get(key);
    Holder h = holderOrRefuse(out, lock, cmd);
    if (h == null) {
      return;
    }
    long leaseMs = cmd.path("body").path("leaseMs").asLong(h.leaseMs());
    Holder renewed = extend(lock, h, leaseMs, now);
    out.change("lock.renewed", key, ++lock.version);
    out.own(accepted(out.id, lock.version, h.token(), renewed.leaseDeadline(), null));
  }

  private void release(Out out, String key, JsonNode cmd, Instant now) {
    ModelLock lock = locks.get(key);
    Holder h = holderOrRefuse(out, lock, cmd);
    if (h == null) {
      return;
    }
    lock.holders.remove(h);
    out.change("lock.released", key, ++lock.version);
    out.own(accepted(out.id, lock.version, h.token(), null, null));
    grantHead(out, key, lock, now);
  }

  private void cancel(Out out, String key, JsonNode cmd, Instant now) {
    ModelLock lock = locks.get(key);
    Waiter w = lock == null ? null : waiterOf(lock, cmd.path("agent").asText());
    if (w == null) {
      // docs: cancel without a queued request is NOT_FOUND.
      out.own(reject(out.id, OutcomeCode.NOT_FOUND, null));
      return;
    }
    lock.queue.remove(w);
    out.change("lock.cancelled", key, ++lock.version);
    out.own(ok(out.id, lock.version, null));
    out.later(key, reject(w.requestId(), OutcomeCode.CANCELLED, lock.version));
    // chosen: a waiter that leaves the head lets compatible requests behind it go.
    grantHead(out, key, lock, now);
  }

  /** The caller's grant, or null after answering NOT_FOUND, EXPIRED or NOT_HOLDER. */
  private Holder holderOrRefuse(Out out, ModelLock lock, JsonNode cmd) {
    if (lock == null) {
      out.own(reject(out.id, OutcomeCode.NOT_FOUND, null));
      return null;
    }
    String agent = cmd.path("agent").asText();
    Holder h = holderOf(lock, agent);
    if (h == null) {
      out.own(
          reject(
              out.id,
              lock.expired.contains(agent) ? OutcomeCode.EXPIRED : OutcomeCode.NOT_HOLDER,
              lock.version));
    }
    return h;
  }

  /** Grants the head of the queue while it is compatible with the holders, in order. */
  private void grantHead(Out out, String key, ModelLock lock, Instant now) {
    while (!lock.queue.isEmpty() && compatible(lock, lock.queue.get(0).mode())) {
      Waiter w = lock.queue.remove(0);
      Holder h = grant(lock, w.agent(), w.requestId(), w.mode(), w.leaseMs(), now);
      out.change("lock.granted", key, ++lock.version);
      out.later(key, granted(w.requestId(), lock, h));
    }
  }

  private Holder grant(
      ModelLock lock, String agent, String requestId, String mode, long leaseMs, Instant now) {
    // docs: every grant's token is strictly greater than every earlier token of the resource.
    Holder h =
        new Holder(agent, requestId, mode, ++lock.lastToken, leaseMs, now, now.plusMillis(leaseMs));
    lock.holders.add(h);
    lock.expired.remove(agent);
    return h;
  }

  /** The holder with a lease of {@code leaseMs} from {@code now}, same token, in its place. */
  private static Holder extend(ModelLock lock, Holder h, long leaseMs, Instant now) {
    Holder extended =
        new Holder(
            h.agent(),
            h.requestId(),
            h.mode(),
            h.token(),
            leaseMs,
            h.grantedAt(),
            now.plusMillis(leaseMs));
    lock.holders.set(lock.holders.indexOf(h), extended);
    return extended;
  }

  private static boolean compatible(ModelLock lock, String mode) {
    return lock.holders.isEmpty()
        || (mode.equals("COLLABORATIVE")
            && lock.holders.stream().allMatch(h -> h.mode().equals("COLLABORATIVE")));
  }

  private static Holder holderOf(ModelLock lock, String agent) {
    return lock.holders.stream().filter(h -> h.agent().equals(agent)).findFirst().orElse(null);
  }

  private static Waiter waiterOf(ModelLock lock, String agent) {
    return lock.queue.stream().filter(w -> w.agent().equals(agent)).findFirst().orElse(null);
  }

  private static Answer granted(String commandId, ModelLock lock, Holder h) {
    return new Answer(
        commandId,
        OutcomeStatus.GRANTED,
        null,
        OutcomeCode.OK,
        lock.version,
        h.token(),
        null,
        lock.holders.stream().map(Holder::agent).toList(),
        h.leaseDeadline(),
        null);
  }

  // ---------------------------------------------------------------- decisions, restores

  private void decide(Out out, String key, JsonNode cmd) {
    int last = decisions.getOrDefault(key, 0);
    JsonNode supersedes = cmd.path("body").get("supersedes");
    if (supersedes != null && (supersedes.asLong() < 1 || supersedes.asLong() > last)) {
      // docs: supersedes must name an earlier decision, NOT_FOUND otherwise.
      out.own(reject(out.id, OutcomeCode.NOT_FOUND, null));
      return;
    }
    decisions.put(key, last + 1);
    out.change("decision.recorded", key, (long) last + 1);
    out.own(ok(out.id, (long) last + 1, null));
  }

  private void restore(Out out, String key, JsonNode cmd, Instant now) {
    JsonNode body = cmd.path("body");
    if (body.has("task")) {
      // docs: the task gets version max(live, given) + 1 with every field at that version.
      JsonNode given = body.get("task");
      ModelTask live = tasks.get(key);
      ModelTask t = new ModelTask();
      t.id = given.path("id").asText();
      t.title = given.path("title").asText();
      t.description =
          given.path("description").isTextual() ? given.get("description").asText() : null;
      t.status = given.path("status").asText();
      t.assignee = given.path("assignee").isTextual() ? given.get("assignee").asText() : null;
      t.fields = given.path("fields").isObject() ? given.get("fields").deepCopy() : t.fields;
      t.version = Math.max(live == null ? 0 : live.version, given.path("version").asLong()) + 1;
      // chosen: "every field" is every field either task has or has a version for, removed free
      // fields included; a free field neither ever had stays unversioned.
      Set<String> names =
          new TreeSet<>(
              List.of(
                  "title", "description", "priority", "labels", "dependsOn", "status", "assignee"));
      given.path("fieldVersions").fieldNames().forEachRemaining(names::add);
      t.fields.fieldNames().forEachRemaining(f -> names.add("fields." + f));
      if (live != null) {
        names.addAll(live.fieldVersions.keySet());
        live.fields.fieldNames().forEachRemaining(f -> names.add("fields." + f));
      }
      names.forEach(f -> t.fieldVersions.put(f, t.version));
      tasks.put(key, t);
      out.change("state.restored", key, t.version);
      out.own(ok(out.id, t.version, null));
    }
    if (body.has("lock")) {
      // docs: the lock comes back free at version max(live, given) + 1 with lastToken =
      // max(live, given); live waiters get REJECTED/CANCELLED.
      JsonNode given = body.get("lock");
      ModelLock live = locks.get(key);
      ModelLock lock = new ModelLock();
      lock.version = Math.max(live == null ? 0 : live.version, given.path("version").asLong()) + 1;
      lock.lastToken =
          Math.max(live == null ? 0 : live.lastToken, given.path("lastToken").asLong());
      locks.put(key, lock);
      out.change("state.restored", key, lock.version);
      // chosen: the waiters' answers go first, then the command's own.
      if (live != null) {
        for (Waiter w : live.queue) {
          out.later(key, reject(w.requestId(), OutcomeCode.CANCELLED, lock.version));
        }
      }
      out.own(ok(out.id, lock.version, null));
    }
  }

  // ---------------------------------------------------------------- outcomes

  private static Answer ok(String commandId, Long version, Long token) {
    return accepted(commandId, version, token, null, null);
  }

  private static Answer accepted(
      String commandId, Long version, Long token, Instant leaseDeadline, String messageEnd) {
    return new Answer(
        commandId,
        OutcomeStatus.ACCEPTED,
        null,
        OutcomeCode.OK,
        version,
        token,
        null,
        null,
        leaseDeadline,
        messageEnd);
  }

  private static Answer reject(String commandId, OutcomeCode code, Long version) {
    return new Answer(
        commandId, OutcomeStatus.REJECTED, null, code, version, null, null, null, null, null);
  }

  /**
   * A retry of {@code id} while it still waits in the queue of lock {@code key}: where it is now.
   */
  private Optional<Answer> stillWaiting(String key, String id) {
    ModelLock lock = locks.get(key);
    if (lock == null) {
      return Optional.empty();
    }
    for (int i = 0; i < lock.queue.size(); i++) {
      if (lock.queue.get(i).requestId().equals(id)) {
        return Optional.of(
            new Answer(
                id,
                OutcomeStatus.DUPLICATE,
                OutcomeStatus.QUEUED,
                OutcomeCode.OK,
                lock.version,
                null,
                i + 1,
                null,
                null,
                null));
      }
    }
    return Optional.empty();
  }

  /** Collects one command's (or punctuation's) answers and events, and remembers answers. */
  private final class Out {
    final String id;
    final String key;
    final List<Answer> answers = new ArrayList<>();
    final List<String> keys = new ArrayList<>();
    final List<Change> changes = new ArrayList<>();

    Out(String id, String key) {
      this.id = id;
      this.key = key;
    }

    /** The command's own answer. */
    void own(Answer answer) {
      later(key, answer);
    }

    /** An answer to an earlier request (a grant, an expiry, a cancellation): it replaces that. */
    void later(String answerKey, Answer answer) {
      remembered.put(answer.commandId(), answer);
      answers.add(answer);
      keys.add(answerKey);
    }

    void change(String type, String key, Long version) {
      changes.add(new Change(type, key, version));
    }

    Result result() {
      return new Result(List.copyOf(answers), List.copyOf(keys), List.copyOf(changes));
    }
  }

  @Override
  public String toString() {
    return "ReferenceModel[" + Objects.toString(flaw) + "]";
  }
}
