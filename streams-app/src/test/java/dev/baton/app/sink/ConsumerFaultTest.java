package dev.baton.app.sink;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.List;
import org.apache.kafka.clients.consumer.CommitFailedException;
import org.apache.kafka.clients.consumer.NoOffsetForPartitionException;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.CoordinatorLoadInProgressException;
import org.apache.kafka.common.errors.CoordinatorNotAvailableException;
import org.apache.kafka.common.errors.CorruptRecordException;
import org.apache.kafka.common.errors.FencedInstanceIdException;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.IllegalGenerationException;
import org.apache.kafka.common.errors.InconsistentGroupProtocolException;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.common.errors.NotCoordinatorException;
import org.apache.kafka.common.errors.RebalanceInProgressException;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.UnknownMemberIdException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class ConsumerFaultTest {
  private static final TopicPartition TP = new TopicPartition("baton.events", 0);

  @Test
  void shouldRecoverFromFailuresOfTheGroupMembershipAndTheCoordinator() {
    List<RuntimeException> recoverable =
        List.of(
            new FencedInstanceIdException(
                "The broker rejected this static consumer since another consumer with the same"
                    + " group.instance.id has registered with a different member.id."),
            // What the classic consumer throws from poll() when SyncGroup meets a loading
            // coordinator after a broker restart.
            new KafkaException(
                "Unexpected error from SyncGroup: The coordinator is loading and hence can't"
                    + " process requests."),
            new CommitFailedException(),
            new RebalanceInProgressException(),
            new UnknownMemberIdException("unknown member"),
            new IllegalGenerationException("illegal generation"),
            new CoordinatorLoadInProgressException("loading"),
            new CoordinatorNotAvailableException("not available"),
            new NotCoordinatorException("not the coordinator"),
            new TimeoutException("timed out"),
            new KafkaException("wrapped", new FencedInstanceIdException("fenced")));
    assertThat(recoverable).allMatch(ConsumerFault::recoverable);
  }

  @Test
  void shouldStop_onOurOwnBugsTheSinksControlsSettingsAndUnreadableRecords() {
    List<Throwable> fatal =
        List.of(
            // Our code: as such, and wrapped by the consumer around a rebalance callback.
            new NullPointerException(),
            new IllegalStateException("No current assignment for partition"),
            new KafkaException(
                "User rebalance callback throws an error", new NullPointerException()),
            new KafkaException(
                "User rebalance callback throws an error",
                new IllegalStateException("projection offsets unreadable")),
            new java.io.UncheckedIOException(new IOException("disk")),
            // The sink's own controls.
            new WakeupException(),
            new InterruptException("interrupted"),
            // Settings a new consumer would meet again.
            new GroupAuthorizationException("group"),
            new TopicAuthorizationException("topic"),
            new SaslAuthenticationException("sasl"),
            new InconsistentGroupProtocolException("assignor"),
            new ConfigException("bootstrap.servers", "nowhere"),
            new KafkaException("Failed to construct kafka consumer", new ConfigException("bad")),
            // Positions the sinks handle, records that fail again when read again.
            new OffsetOutOfRangeException("gone", java.util.Map.of(TP, 7L)),
            new NoOffsetForPartitionException(TP),
            new CorruptRecordException("corrupt"),
            new KafkaException("Received exception when fetching", new CorruptRecordException()),
            new RecordDeserializationException(
                RecordDeserializationException.DeserializationExceptionOrigin.VALUE,
                TP,
                3,
                0L,
                TimestampType.CREATE_TIME,
                null,
                null,
                null,
                "bad",
                null));
    Thread.interrupted(); // InterruptException's constructor interrupts this thread
    assertThat(fatal).noneMatch(ConsumerFault::recoverable);
  }

  @Test
  void shouldShowTheFaultUntilTheNewConsumerIsAssignedAndCountEachFaultOnce() {
    ConsumerFault fault = new ConsumerFault("audit", LoggerFactory.getLogger(getClass()));
    assertThat(fault.view()).isNull();

    assertThat(fault.failed(new FencedInstanceIdException("fenced"), List.of(0, 2))).isTrue();
    SinkStatus.Fault first = fault.view();
    assertThat(first.operation()).isEqualTo(ConsumerFault.OPERATION);
    assertThat(first.path()).isNull();
    assertThat(first.partitions()).containsExactly(0, 2);
    assertThat(first.attempts()).isEqualTo(1);
    assertThat(first.error())
        .isEqualTo("org.apache.kafka.common.errors.FencedInstanceIdException: fenced");
    assertThat(fault.backoffMs()).isEqualTo(DiskFault.FIRST_BACKOFF_MS);

    // The next consumer fails too: the same fault, backing off, up to the cap.
    for (int i = 0; i < 10; i++) {
      assertThat(fault.failed(new KafkaException("Unexpected error from SyncGroup"), List.of()))
          .isFalse();
    }
    assertThat(fault.view().attempts()).isEqualTo(11);
    assertThat(fault.view().partitions()).containsExactly(0, 2);
    assertThat(fault.view().error()).contains("Unexpected error from SyncGroup");
    assertThat(fault.backoffMs()).isEqualTo(ConsumerFault.MAX_BACKOFF_MS);

    fault.recovered();
    assertThat(fault.view()).isNull();
    assertThat(fault.failed(new RebalanceInProgressException(), List.of(1))).isTrue();
    assertThat(fault.backoffMs()).isEqualTo(DiskFault.FIRST_BACKOFF_MS);
  }
}
