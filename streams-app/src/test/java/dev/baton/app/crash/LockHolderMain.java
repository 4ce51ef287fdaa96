package dev.baton.app.crash;

import dev.baton.app.crash.CommandRecord.Answer;
import dev.baton.app.crash.CommandRecord.Kind;
import java.time.Duration;
import java.util.Map;
import java.util.Random;

/**
 * A lock holder in a process of its own, to be frozen with {@code SIGSTOP} past its lease: takes
 * the exclusive lock of a task, then writes the task under the lock's fence every 250 ms, printing
 * every command as a {@link RecordLine}, until a write is rejected (then it exits 0) or 200 writes
 * are done (exit 1).
 *
 * <p>Usage: {@code LockHolderMain BASE_URL WORKSPACE TASK AGENT TOKEN|- SEED}.
 */
public final class LockHolderMain {
  private LockHolderMain() {}

  public static void main(String[] args) throws Exception {
    String base = args[0];
    String workspace = args[1];
    String task = args[2];
    Workload.Client client = new Workload.Client(args[3], "-".equals(args[4]) ? null : args[4]);
    Random random = new Random(Long.parseLong(args[5]));
    try (Workload w =
        Workload.start(
            base,
            workspace,
            java.util.List.of(),
            java.util.List.of(task),
            Duration.ofSeconds(60),
            0)) {
      CommandRecord acquire =
          w.send(
              client,
              random,
              Kind.ACQUIRE,
              task,
              0,
              "POST",
              "/v1/locks/" + workspace + "/acquire",
              Map.of(
                  "resource",
                  "task/" + task,
                  "mode",
                  "EXCLUSIVE",
                  "leaseMs",
                  Workload.LEASE_MS,
                  "waitMs",
                  10_000));
      print(acquire);
      Answer grant = acquire.firstOutcome();
      if (grant == null || !"GRANTED".equals(grant.effectiveStatus())) {
        System.exit(2);
      }
      for (int n = 0; n < 200; n++) {
        CommandRecord write =
            w.send(
                client,
                random,
                Kind.FENCED_UPDATE,
                task,
                grant.token(),
                "PATCH",
                "/v1/tasks/" + workspace + "/" + task,
                Map.of("title", "holder write " + n, "fenceToken", grant.token()));
        print(write);
        Answer a = write.firstOutcome();
        if (a != null && "REJECTED".equals(a.effectiveStatus())) {
          System.exit(0);
        }
        Thread.sleep(250);
      }
    }
    System.exit(1);
  }

  private static void print(CommandRecord r) {
    System.out.println(RecordLine.PREFIX + RecordLine.of(r).json());
    System.out.flush();
  }
}
