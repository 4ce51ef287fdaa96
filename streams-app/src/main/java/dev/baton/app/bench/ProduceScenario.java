package dev.baton.app.bench;

/**
 * {@code produce}: the ceiling every other number is compared with, a raw idempotent {@code
 * acks=all} producer sending 100-byte records. No baseline: it is the baseline.
 */
public final class ProduceScenario implements Scenario {
  static final int RECORD_BYTES = 100;

  @Override
  public String name() {
    return "produce";
  }

  @Override
  public BenchResult run(BenchEnvironment env) {
    long records = BenchOptions.pick(env.options().records(), env.quick(), 100_000L, 3_000_000L);
    BenchResult result = new BenchResult(name());
    env.describe(result);
    result.config("records", records);
    result.config("record_bytes", RECORD_BYTES);
    result.config("producer", "idempotent, acks=all, Kafka defaults otherwise (linger 5 ms)");
    RawKafka.Throughput t = measure(env, records);
    result.metric("records_per_s", t.recordsPerSecond());
    result.metric("mb_per_s", t.mbPerSecond());
    return result;
  }

  /** Runs the raw producer on a fresh topic; also the baseline of {@code e2e}. */
  static RawKafka.Throughput measure(BenchEnvironment env, long records) {
    String topic = env.newPrefix("produce") + "raw";
    env.createTopics(topic);
    return RawKafka.producerThroughput(env.bootstrapServers(), topic, records, RECORD_BYTES);
  }
}
