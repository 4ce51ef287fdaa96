package dev.baton.app.http;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.javalin.http.Context;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.apache.kafka.streams.errors.InvalidStateStoreException;

/**
 * Lets any node answer any read: a key owned by another node is read from that node (one hop), a
 * listing is gathered from every node. Query resources ask it; it is the only code that talks to
 * other nodes.
 *
 * <p>Rules (see docs/architecture.md, "Reads on any node"):
 *
 * <ul>
 *   <li>A request one node sends another carries {@value #FORWARDED} (the sender). A node answers
 *       such a request from its own stores only: it never forwards again, so a loop is impossible.
 *       A forwarded key this node does not own (ownership moved between the two nodes' views) is
 *       503 with {@code Retry-After}.
 *   <li>A node's answer to a forwarded listing names the partitions it covered in {@value
 *       #PARTITIONS}. The gathering node merges only when the answers together cover every
 *       partition of the topology; otherwise (a rebalance in between) it answers 503 with {@code
 *       Retry-After}, never a partial list.
 *   <li>The owner's answer, whatever its status, is returned as it is, with {@value #SERVED_BY}
 *       naming the owner; an owner that does not answer in time is 503 with {@code Retry-After}.
 *   <li>Inter-node calls use one {@link HttpClient} on a pool of {@value #POOL_THREADS} threads,
 *       with a connect timeout of {@link #CONNECT_TIMEOUT} and a request timeout of {@link
 *       #REQUEST_TIMEOUT}.
 * </ul>
 */
public final class ReadRouter implements AutoCloseable {
  /** Request header of a node-to-node read; its value is the sending node. */
  public static final String FORWARDED = "X-Baton-Forwarded";

  /** Response header of a forwarded listing: the partitions it covers, comma separated. */
  public static final String PARTITIONS = "X-Baton-Partitions";

  /** Response header of an answer read from another node: that node ({@code host:port}). */
  public static final String SERVED_BY = "X-Baton-Served-By";

  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
  static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(5);
  static final int POOL_THREADS = 4;

  /** Request headers passed on to the owner: who asks, and how. */
  private static final List<String> PASSED_HEADERS =
      List.of("Authorization", "X-Baton-Agent", "Accept");

  private static final int RETRY_AFTER_SECONDS = 1;

  private final String self;
  private final Cluster cluster;
  private final ExecutorService pool;
  private final HttpClient http;

  /**
   * The nodes of the topology as this node sees them: for each node's advertised {@code host:port},
   * the partitions it hosts as active.
   */
  @FunctionalInterface
  public interface Cluster {
    /** A node on its own: listings are its local answer; keys are still forwarded. */
    Cluster ALONE = Map::of;

    /**
     * Every node, this one included; empty for {@link #ALONE}.
     *
     * @throws InvalidStateStoreException when membership is not known right now (rebalancing)
     */
    Map<String, Set<Integer>> nodes();
  }

  /** One node's answer to a gathered read. */
  public record Shard<T>(String node, T answer) {}

  private ReadRouter(String self, Cluster cluster) {
    this.self = Objects.requireNonNull(self, "self");
    this.cluster = Objects.requireNonNull(cluster, "cluster");
    AtomicInteger count = new AtomicInteger();
    this.pool =
        Executors.newFixedThreadPool(
            POOL_THREADS,
            r -> {
              Thread t = new Thread(r, "baton-read-router-" + count.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    this.http =
        HttpClient.newBuilder()
            .executor(pool)
            .connectTimeout(CONNECT_TIMEOUT)
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
  }

  /** A router for the node advertised as {@code self} ({@code host:port}) in {@code cluster}. */
  public static ReadRouter of(String self, Cluster cluster) {
    return new ReadRouter(self, cluster);
  }

  /** Whether {@code ctx} came from another node (and so must be answered locally). */
  public boolean isForwarded(Context ctx) {
    return ctx.header(FORWARDED) != null;
  }

  /**
   * Answers {@code ctx} with {@code owner}'s answer to the same request. {@code what} names the key
   * in error messages ({@code task default/task/x}).
   */
  public void answerFromOwner(Context ctx, String owner, String what) {
    if (isForwarded(ctx)) {
      throw ApiError.unavailable(
          what
              + " is moving between nodes: "
              + ctx.header(FORWARDED)
              + " sent this read here, but this node now sees "
              + owner
              + " as its owner; retry shortly",
          RETRY_AFTER_SECONDS);
    }
    if (owner.equals(self) || !routable(owner)) {
      throw ApiError.unavailable(
          what + " has no reachable owner right now (" + owner + "); retry shortly",
          RETRY_AFTER_SECONDS);
    }
    HttpResponse<byte[]> answer = join(send(owner, ctx, target(ctx)), owner, what);
    ctx.status(answer.statusCode());
    answer.headers().firstValue("Content-Type").ifPresent(ctx::contentType);
    answer.headers().firstValue("Retry-After").ifPresent(v -> ctx.header("Retry-After", v));
    ctx.header(SERVED_BY, owner);
    ctx.result(answer.body());
  }

  /** Marks a local answer to a forwarded listing with the partitions it covers. */
  public void markPartitions(Context ctx, Set<Integer> partitions) {
    ctx.header(
        PARTITIONS, partitions.stream().map(String::valueOf).collect(Collectors.joining(",")));
  }

  /**
   * The same request's answer from every node: {@code local} (covering {@code localPartitions}) and
   * every other node's, read as {@code type}. Throws 503 when a node does not answer 200 or when
   * the answers do not cover every partition.
   */
  public <T> List<Shard<T>> gather(
      Context ctx, Class<T> type, T local, Set<Integer> localPartitions) {
    return gather(ctx, target(ctx), type, local, localPartitions);
  }

  /**
   * As {@link #gather(Context, Class, Object, Set)}, but asking every other node for the {@code
   * GET} of {@code pathAndQuery} (a read route, e.g. {@code /v1/agents/ws/alice}) instead of {@code
   * ctx}'s own request, with {@code ctx}'s headers: how a route that is not itself a read (a hook)
   * gathers one.
   */
  public <T> List<Shard<T>> gather(
      Context ctx, String pathAndQuery, Class<T> type, T local, Set<Integer> localPartitions) {
    Map<String, Set<Integer>> nodes = cluster.nodes();
    if (nodes.isEmpty()) {
      // A node on its own (no cluster view): its answer is the whole answer.
      return List.of(new Shard<>(self, local));
    }
    SortedSet<Integer> expected = new TreeSet<>();
    nodes.values().forEach(expected::addAll);
    SortedSet<Integer> covered = new TreeSet<>(localPartitions);
    List<Shard<T>> shards = new ArrayList<>();
    shards.add(new Shard<>(self, local));
    List<String> others =
        nodes.entrySet().stream()
            .filter(e -> !e.getKey().equals(self) && !e.getValue().isEmpty())
            .map(Map.Entry::getKey)
            .sorted()
            .toList();
    for (String node : others) {
      if (!routable(node)) {
        throw ApiError.unavailable(
            "node " + node + " has no reachable address right now; retry shortly",
            RETRY_AFTER_SECONDS);
      }
    }
    List<CompletableFuture<HttpResponse<byte[]>>> calls =
        others.stream().map(node -> send(node, ctx, pathAndQuery)).toList();
    ObjectMapper json = HttpJson.mapper();
    for (int i = 0; i < others.size(); i++) {
      String node = others.get(i);
      HttpResponse<byte[]> answer = join(calls.get(i), node, "this listing");
      if (answer.statusCode() != 200) {
        throw ApiError.unavailable(
            "node "
                + node
                + " answered "
                + answer.statusCode()
                + " to its part of this listing;"
                + " retry shortly",
            RETRY_AFTER_SECONDS);
      }
      covered.addAll(partitions(answer, node));
      try {
        shards.add(new Shard<>(node, json.readValue(answer.body(), type)));
      } catch (IOException e) {
        throw ApiError.unavailable(
            "node " + node + " answered its part of this listing in an unexpected shape",
            RETRY_AFTER_SECONDS);
      }
    }
    if (expected.isEmpty() || !covered.containsAll(expected) || !complete(expected)) {
      SortedSet<Integer> missing = new TreeSet<>(expected);
      missing.removeAll(covered);
      throw ApiError.unavailable(
          "partitions are moving between nodes (answers covered "
              + covered
              + ", the topology has "
              + expected
              + (missing.isEmpty() ? "" : ", missing " + missing)
              + "); retry shortly",
          RETRY_AFTER_SECONDS);
    }
    return shards;
  }

  @Override
  public void close() {
    pool.shutdownNow();
  }

  /** Partitions are numbered from 0, so a complete set is 0..n-1. */
  private static boolean complete(SortedSet<Integer> partitions) {
    return partitions.first() == 0 && partitions.last() == partitions.size() - 1;
  }

  private static Set<Integer> partitions(HttpResponse<byte[]> answer, String node) {
    String header = answer.headers().firstValue(PARTITIONS).orElse(null);
    if (header == null) {
      throw ApiError.unavailable(
          "node " + node + " did not say which partitions its part covers; retry shortly",
          RETRY_AFTER_SECONDS);
    }
    Set<Integer> partitions = new TreeSet<>();
    for (String p : header.split(",")) {
      if (!p.isBlank()) {
        partitions.add(Integer.parseInt(p.trim()));
      }
    }
    return partitions;
  }

  /** Advertised addresses Kafka Streams reports for a node that has none are not routable. */
  private static boolean routable(String node) {
    int colon = node.lastIndexOf(':');
    if (colon <= 0) {
      return false;
    }
    try {
      int port = Integer.parseInt(node.substring(colon + 1));
      return port > 0 && port <= 65535 && !node.startsWith("unavailable:");
    } catch (NumberFormatException e) {
      return false;
    }
  }

  /** The path and query of {@code ctx}'s own request, as received (still encoded). */
  private static String target(Context ctx) {
    String query = ctx.req().getQueryString();
    return ctx.req().getRequestURI() + (query == null ? "" : "?" + query);
  }

  private CompletableFuture<HttpResponse<byte[]>> send(
      String node, Context ctx, String pathAndQuery) {
    URI uri = URI.create("http://" + node + pathAndQuery);
    HttpRequest.Builder request =
        HttpRequest.newBuilder(uri).timeout(REQUEST_TIMEOUT).GET().header(FORWARDED, self);
    for (String name : PASSED_HEADERS) {
      String value = ctx.header(name);
      if (value != null) {
        request.header(name, value);
      }
    }
    return http.sendAsync(request.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private static HttpResponse<byte[]> join(
      CompletableFuture<HttpResponse<byte[]>> call, String node, String what) {
    try {
      // The client's request timeout ends the call; this only guards against a lost future.
      return call.get(
          REQUEST_TIMEOUT.toMillis() + CONNECT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw ApiError.unavailable("interrupted while asking " + node, RETRY_AFTER_SECONDS);
    } catch (ExecutionException | TimeoutException e) {
      Throwable cause = e instanceof ExecutionException ? e.getCause() : e;
      String why =
          cause instanceof HttpTimeoutException || cause instanceof TimeoutException
              ? "did not answer in time"
              : "could not be reached";
      throw ApiError.unavailable(
          "node " + node + ", which serves " + what + ", " + why + "; retry shortly",
          RETRY_AFTER_SECONDS);
    }
  }
}
