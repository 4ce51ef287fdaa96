package dev.baton.app.state;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.sdk.protocol.JsonSerde;
import dev.baton.sdk.protocol.ReplyTo;
import java.util.stream.IntStream;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RetryRoutesTest {
  private static final ReplyTo QUEUED_WITH = new ReplyTo(0);

  private KeyValueStore<String, RetryRoutes.Routes> store;
  private RetryRoutes routes;

  @BeforeEach
  void init() {
    MockProcessorContext<Object, Object> context = new MockProcessorContext<>();
    store =
        Stores.keyValueStoreBuilder(
                Stores.inMemoryKeyValueStore("reply-routes"),
                Serdes.String(),
                JsonSerde.of(RetryRoutes.Routes.class))
            .withLoggingDisabled()
            .build();
    store.init(context.getStateStoreContext(), store);
    routes = new RetryRoutes(store);
  }

  @Test
  void shouldKeepEachRetryPartitionOnceAndNotTheOneTheRequestQueuedWith() {
    // when
    routes.add("c1", QUEUED_WITH, new ReplyTo(3));
    routes.add("c1", QUEUED_WITH, new ReplyTo(3));
    routes.add("c1", QUEUED_WITH, QUEUED_WITH);
    routes.add("c1", QUEUED_WITH, null);

    // then
    assertThat(routes.take("c1", QUEUED_WITH)).containsExactly(new ReplyTo(3), null);
    assertThat(routes.take("c1", QUEUED_WITH)).as("taken once").isEmpty();
    assertThat(store.approximateNumEntries()).isZero();
  }

  @Test
  void shouldKeepOnlyTheNewestRetryPartitions() {
    // when
    IntStream.rangeClosed(1, RetryRoutes.MAX_ROUTES + 4)
        .forEach(p -> routes.add("c1", QUEUED_WITH, new ReplyTo(p)));

    // then
    assertThat(routes.take("c1", QUEUED_WITH))
        .hasSize(RetryRoutes.MAX_ROUTES)
        .first()
        .isEqualTo(new ReplyTo(5));
  }

  @Test
  void shouldForgetTheRoutesOfACommandIdAndNothingElse() {
    // given
    routes.add("c1", QUEUED_WITH, new ReplyTo(3));
    routes.add("c2", QUEUED_WITH, new ReplyTo(4));

    // when
    routes.forget("c1");
    routes.forget("never-routed");

    // then
    assertThat(routes.take("c1", QUEUED_WITH)).isEmpty();
    assertThat(routes.take("c2", QUEUED_WITH)).containsExactly(new ReplyTo(4));
  }
}
