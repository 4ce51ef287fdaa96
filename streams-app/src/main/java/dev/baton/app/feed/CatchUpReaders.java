package dev.baton.app.feed;

import dev.baton.sdk.protocol.EventCursor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads old positions of {@code baton.events} for readers whose cursor is older than {@link
 * RecentEvents}: a small fixed pool of threads, each with its own {@code read_committed} consumer,
 * and a bounded queue of reads (a full queue answers 503, retry later). A read covers one page:
 * until the limit of matching events, the point where the buffer takes over, or a budget of records
 * and time, whichever comes first; the caller goes on from the page's cursor.
 */
final class CatchUpReaders implements AutoCloseable {
  /** Records one read examines at most before it answers with what it has. */
  static final int MAX_RECORDS_PER_READ = 20_000;

  private static final Duration READ_BUDGET = Duration.ofSeconds(2);
  private static final Duration POLL = Duration.ofMillis(200);
  private static final int QUEUE = 1000;

  private final String topic;
  private final ThreadPoolExecutor pool;
  private final BlockingQueue<KafkaConsumer<String, byte[]>> consumers;
  private final List<KafkaConsumer<String, byte[]>> all = new ArrayList<>();

  CatchUpReaders(Map<String, Object> kafka, String topic, int readers) {
    this.topic = topic;
    this.consumers = new ArrayBlockingQueue<>(readers);
    for (int i = 0; i < readers; i++) {
      KafkaConsumer<String, byte[]> c =
          new KafkaConsumer<>(EventRecords.consumerConfig(kafka, "baton-feed-catchup-" + (i + 1)));
      all.add(c);
      consumers.add(c);
    }
    AtomicInteger n = new AtomicInteger();
    this.pool =
        new ThreadPoolExecutor(
            readers,
            readers,
            0,
            TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(QUEUE),
            r -> {
              Thread t = new Thread(r, "baton-feed-catchup-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * Reads {@code query} on the partitions of {@code until} from its cursor up to (not including)
   * those positions; fails with {@link CursorExpiredException} when retention removed a position
   * the cursor names.
   */
  CompletableFuture<FeedPage> read(FeedQuery query, Map<Integer, Long> until) {
    try {
      return CompletableFuture.supplyAsync(() -> readNow(query, until), pool);
    } catch (RejectedExecutionException e) {
      return CompletableFuture.failedFuture(
          new RejectedExecutionException(
              "too many feed readers are catching up (" + QUEUE + " waiting); retry shortly"));
    }
  }

  private FeedPage readNow(FeedQuery query, Map<Integer, Long> until) {
    KafkaConsumer<String, byte[]> consumer = consumers.poll();
    if (consumer == null) {
      throw new IllegalStateException("no free catch-up consumer");
    }
    try {
      return read(consumer, query, until);
    } finally {
      consumer.unsubscribe();
      consumers.add(consumer);
    }
  }

  private FeedPage read(
      KafkaConsumer<String, byte[]> consumer, FeedQuery query, Map<Integer, Long> until) {
    List<TopicPartition> tps = new ArrayList<>();
    until.keySet().forEach(p -> tps.add(new TopicPartition(topic, p)));
    consumer.assign(tps);
    Map<TopicPartition, Long> oldest = consumer.beginningOffsets(tps, Duration.ofSeconds(10));
    EventCursor from = query.from();
    Map<Integer, Long> next = new TreeMap<>(from.positions());
    for (TopicPartition tp : tps) {
      long start = oldest.get(tp);
      boolean named = from.positions().containsKey(tp.partition());
      long position = from.position(tp.partition());
      if (named && position < start) {
        throw expired(consumer, tp, position, start);
      }
      position = Math.max(position, start);
      next.put(tp.partition(), position);
      consumer.seek(tp, position);
    }
    List<FeedEntry> out = new ArrayList<>();
    List<TopicPartition> open = new ArrayList<>();
    for (TopicPartition tp : tps) {
      if (next.get(tp.partition()) < until.get(tp.partition())) {
        open.add(tp);
      } else {
        next.put(tp.partition(), until.get(tp.partition()));
      }
    }
    consumer.pause(tps);
    consumer.resume(open);
    long deadline = System.nanoTime() + READ_BUDGET.toNanos();
    int examined = 0;
    boolean cut = false;
    while (!open.isEmpty() && !cut) {
      if (System.nanoTime() > deadline || examined >= MAX_RECORDS_PER_READ) {
        cut = true;
        break;
      }
      ConsumerRecords<String, byte[]> records;
      try {
        records = consumer.poll(POLL);
      } catch (OffsetOutOfRangeException e) {
        // Retention removed the position while this read was under way.
        TopicPartition tp = e.partitions().iterator().next();
        throw expired(consumer, tp, e.offsetOutOfRangePartitions().get(tp), -1);
      }
      for (TopicPartition tp : List.copyOf(open)) {
        long stop = until.get(tp.partition());
        for (ConsumerRecord<String, byte[]> r : records.records(tp)) {
          if (r.offset() >= stop) {
            break;
          }
          FeedEntry e = EventRecords.entry(r, -1);
          if (e != null && e.matches(query)) {
            if (out.size() == query.limit()) {
              cut = true;
              break;
            }
            out.add(e);
          }
          next.put(tp.partition(), r.offset() + 1);
          examined++;
        }
        if (cut) {
          break;
        }
        // Every record of tp in this batch was examined; the position also moves past
        // transaction markers and aborted records, which are never returned.
        long position = Math.min(consumer.position(tp), stop);
        next.put(tp.partition(), Math.max(next.get(tp.partition()), position));
        if (next.get(tp.partition()) >= stop) {
          next.put(tp.partition(), stop);
          open.remove(tp);
          consumer.pause(List.of(tp));
        }
      }
    }
    return new FeedPage(out, new EventCursor(next), cut, examined - out.size());
  }

  private static CursorExpiredException expired(
      KafkaConsumer<String, byte[]> consumer, TopicPartition tp, long position, long start) {
    Map<Integer, Long> oldest = new TreeMap<>();
    List<TopicPartition> every = new ArrayList<>();
    consumer
        .partitionsFor(tp.topic(), Duration.ofSeconds(10))
        .forEach(i -> every.add(new TopicPartition(tp.topic(), i.partition())));
    consumer
        .beginningOffsets(every, Duration.ofSeconds(10))
        .forEach((t, o) -> oldest.put(t.partition(), o));
    return new CursorExpiredException(
        "the cursor's position "
            + position
            + " in partition "
            + tp.partition()
            + " is gone (retention removed "
            + (start < 0 ? "it" : "events before " + start)
            + "); re-read the state you need and continue from the oldest cursor or from now",
        new EventCursor(oldest));
  }

  @Override
  public void close() {
    pool.shutdownNow();
    try {
      pool.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    all.forEach(c -> c.close(Duration.ofSeconds(2)));
  }
}
