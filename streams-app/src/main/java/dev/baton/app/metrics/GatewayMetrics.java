package dev.baton.app.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The HTTP gateway's meters, recorded once per request when its answer has been written:
 *
 * <ul>
 *   <li>{@code baton_http_requests_seconds{method,route,status}}: every request, by route template
 *       ({@code /v1/tasks/{workspace}/{id}}, never the path itself), a summary (count, sum, max);
 *   <li>{@code baton_gateway_command_seconds{type,status}}: the commands, end to end at the gateway
 *       (request read, command sent, outcome received, answer written), a histogram. A long-poll
 *       acquire includes its wait in the queue.
 * </ul>
 */
public final class GatewayMetrics {
  private static final Duration[] BUCKETS = {
    Duration.ofMillis(1),
    Duration.ofMillis(2),
    Duration.ofMillis(5),
    Duration.ofMillis(10),
    Duration.ofMillis(25),
    Duration.ofMillis(50),
    Duration.ofMillis(100),
    Duration.ofMillis(250),
    Duration.ofMillis(500),
    Duration.ofSeconds(1),
    Duration.ofSeconds(5),
    Duration.ofSeconds(30),
    Duration.ofMinutes(2)
  };

  private final MeterRegistry registry;
  private final Map<String, Timer> timers = new ConcurrentHashMap<>();

  GatewayMetrics(MeterRegistry registry) {
    this.registry = registry;
  }

  /**
   * One answered request: {@code route} is the matched route template (null when none matched),
   * {@code commandType} the wire name of the command it sent (null for a read).
   */
  public void answered(String method, String route, String commandType, int status, long nanos) {
    String r = route == null ? "unmatched" : route;
    String s = Integer.toString(status);
    timers
        .computeIfAbsent(
            "h|" + method + "|" + r + "|" + s,
            k ->
                Timer.builder("baton.http.requests")
                    .description("HTTP requests answered, by method, route template and status")
                    .tag("method", method)
                    .tag("route", r)
                    .tag("status", s)
                    .register(registry))
        .record(nanos, TimeUnit.NANOSECONDS);
    if (commandType != null) {
      timers
          .computeIfAbsent(
              "c|" + commandType + "|" + s,
              k ->
                  BatonMetrics.histogram(
                          "baton.gateway.command",
                          "Commands end to end at the gateway: request to answer written",
                          BUCKETS)
                      .tag("type", commandType)
                      .tag("status", s)
                      .register(registry))
          .record(nanos, TimeUnit.NANOSECONDS);
    }
  }
}
