package dev.baton.app.metrics;

import dev.baton.sdk.protocol.CommandType;
import dev.baton.sdk.protocol.Outcome;
import dev.baton.sdk.protocol.OutcomeCode;
import dev.baton.sdk.protocol.OutcomeStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The processor's meters, cheap on the hot path: every meter is looked up once and kept in an array
 * indexed by enum ordinals, so that recording is an array read and an add, with no tag building and
 * no allocation. One instance per processor (one stream thread); the meters behind it are shared.
 *
 * <ul>
 *   <li>{@code baton_commands_total{type}}: command records read ({@code type="invalid"} for an
 *       unreadable one);
 *   <li>{@code baton_outcomes_total{type,status,code}}: outcomes sent, including duplicate answers
 *       and the later outcomes of queued lock requests;
 *   <li>{@code baton_processor_command_seconds{type}}: decide, apply and publish of one command;
 *   <li>{@code baton_lock_wait_seconds{outcome}}: how long a queued lock request waited for its
 *       final outcome (granted, expired, cancelled);
 *   <li>{@code baton_lock_queue_length}: the length of the queue a lock request joined (its
 *       position), per queued answer;
 *   <li>{@code baton_lock_lease_expiries_total}, {@code baton_lock_wait_expiries_total}.
 * </ul>
 */
public final class CommandMetrics {
  private static final CommandType[] TYPES = CommandType.values();
  private static final OutcomeStatus[] STATUSES = OutcomeStatus.values();
  private static final OutcomeCode[] CODES = OutcomeCode.values();

  /** The shared meters of one registry. */
  static final class Meters {
    private final MeterRegistry registry;
    private final Counter[] commands = new Counter[TYPES.length];
    private final Counter invalid;
    private final Timer[] decide = new Timer[TYPES.length];
    private final Timer[] lockWait = new Timer[STATUSES.length * (CODES.length + 1)];
    private final DistributionSummary queueLength;
    private final Counter leaseExpiries;
    private final Counter waitExpiries;

    Meters(MeterRegistry registry) {
      this.registry = registry;
      for (CommandType type : TYPES) {
        commands[type.ordinal()] =
            Counter.builder("baton.commands")
                .description("Command records the processor read, by command type")
                .tag("type", type.wire())
                .register(registry);
        decide[type.ordinal()] =
            BatonMetrics.histogram(
                    "baton.processor.command",
                    "Time the processor took to decide, apply and publish one command",
                    Duration.ofNanos(50_000),
                    Duration.ofNanos(100_000),
                    Duration.ofNanos(250_000),
                    Duration.ofNanos(500_000),
                    Duration.ofMillis(1),
                    Duration.ofMillis(2),
                    Duration.ofMillis(5),
                    Duration.ofMillis(10),
                    Duration.ofMillis(50),
                    Duration.ofMillis(250),
                    Duration.ofSeconds(1))
                .tag("type", type.wire())
                .register(registry);
      }
      invalid =
          Counter.builder("baton.commands")
              .description("Command records the processor read, by command type")
              .tag("type", "invalid")
              .register(registry);
      queueLength =
          DistributionSummary.builder("baton.lock.queue.length")
              .description("Length of the queue a lock request joined (its position), per QUEUED")
              .serviceLevelObjectives(1, 2, 3, 5, 10, 20, 50, 100)
              .register(registry);
      leaseExpiries =
          Counter.builder("baton.lock.lease.expiries")
              .description("Lock grants whose lease ran out before a renew or release")
              .register(registry);
      waitExpiries =
          Counter.builder("baton.lock.wait.expiries")
              .description("Queued lock requests whose wait ran out without a grant")
              .register(registry);
    }

    Counter outcome(CommandType type, OutcomeStatus status, OutcomeCode code) {
      return Counter.builder("baton.outcomes")
          .description("Outcomes the processor sent, by command type, status and code")
          .tag("type", type == null ? "unknown" : type.wire())
          .tag("status", status == null ? "UNKNOWN" : status.name())
          .tag("code", code == null ? "NONE" : code.name())
          .register(registry);
    }

    Timer lockWait(OutcomeStatus status, OutcomeCode code) {
      int i =
          status.ordinal() * (CODES.length + 1) + (code == null ? CODES.length : code.ordinal());
      Timer t = lockWait[i];
      if (t == null) {
        t =
            BatonMetrics.histogram(
                    "baton.lock.wait",
                    "Time a queued lock request waited for its final outcome",
                    Duration.ofMillis(10),
                    Duration.ofMillis(100),
                    Duration.ofMillis(500),
                    Duration.ofSeconds(1),
                    Duration.ofSeconds(5),
                    Duration.ofSeconds(30),
                    Duration.ofMinutes(1),
                    Duration.ofMinutes(5),
                    Duration.ofMinutes(30))
                .tag("outcome", waitOutcome(status, code))
                .register(registry);
        lockWait[i] = t;
      }
      return t;
    }

    private static String waitOutcome(OutcomeStatus status, OutcomeCode code) {
      if (status == OutcomeStatus.GRANTED) {
        return "granted";
      }
      return code == null ? status.name().toLowerCase() : code.name().toLowerCase();
    }
  }

  private final Meters meters;
  // This processor's cache of baton_outcomes_total, [type][status][code or none].
  private final Counter[] outcomes =
      new Counter[TYPES.length * STATUSES.length * (CODES.length + 1)];
  private final Counter[] unknownType = new Counter[STATUSES.length * (CODES.length + 1)];

  CommandMetrics(Meters meters) {
    this.meters = meters;
  }

  /** A command record was read; {@code type} is null when it could not be read. */
  public void read(CommandType type) {
    (type == null ? meters.invalid : meters.commands[type.ordinal()]).increment();
  }

  /** A command was decided, applied and published in {@code nanos}. */
  public void decided(CommandType type, long nanos) {
    meters.decide[type.ordinal()].record(nanos, TimeUnit.NANOSECONDS);
  }

  /** An outcome was sent. */
  public void sent(Outcome outcome) {
    OutcomeStatus status = outcome.status();
    OutcomeCode code = outcome.code();
    CommandType type = outcome.commandType();
    if (status == null) {
      meters.outcome(type, null, code).increment();
      return;
    }
    int sc = status.ordinal() * (CODES.length + 1) + (code == null ? CODES.length : code.ordinal());
    Counter[] cache = type == null ? unknownType : outcomes;
    int i = type == null ? sc : type.ordinal() * unknownType.length + sc;
    Counter c = cache[i];
    if (c == null) {
      c = meters.outcome(type, status, code);
      cache[i] = c;
    }
    c.increment();
    if (status == OutcomeStatus.QUEUED && outcome.position() != null) {
      meters.queueLength.record(outcome.position());
    }
  }

  /**
   * The final outcome {@code last} of a lock request that was queued with {@code queued}: records
   * how long it waited.
   */
  public void waited(Outcome queued, Outcome last) {
    if (queued.status() != OutcomeStatus.QUEUED || queued.at() == null || last.at() == null) {
      return;
    }
    long ms = last.at().toEpochMilli() - queued.at().toEpochMilli();
    meters.lockWait(last.status(), last.code()).record(Math.max(0, ms), TimeUnit.MILLISECONDS);
  }

  /** A lease ran out ({@code lease}), or a queued request's wait did. */
  public void expired(boolean lease) {
    (lease ? meters.leaseExpiries : meters.waitExpiries).increment();
  }
}
