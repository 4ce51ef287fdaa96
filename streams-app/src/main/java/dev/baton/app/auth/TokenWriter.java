package dev.baton.app.auth;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Writes token records and revocations (tombstones) to the tokens topic, each acknowledged by all
 * in-sync replicas before the call returns. Used by the node's token routes and by {@code baton
 * token ... --bootstrap}.
 */
public final class TokenWriter implements TokenStore, AutoCloseable {
  private static final long ACK_TIMEOUT_S = 30;

  private final KafkaProducer<String, byte[]> producer;
  private final String topic;

  public TokenWriter(Map<String, Object> clientSettings, String topic) {
    Map<String, Object> props = new HashMap<>(clientSettings);
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    this.producer = new KafkaProducer<>(props);
    this.topic = topic;
  }

  /** Stores {@code record}; returns once it is acknowledged. */
  @Override
  public void put(TokenRecord record) {
    send(record.id(), record.toBytes());
  }

  /** Revokes token {@code id}; returns once the tombstone is acknowledged. */
  @Override
  public void revoke(String id) {
    send(id, null);
  }

  private void send(String id, byte[] value) {
    try {
      producer.send(new ProducerRecord<>(topic, id, value)).get(ACK_TIMEOUT_S, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw new IllegalStateException(
          "cannot write token " + id + " to " + topic + ": " + e.getCause().getMessage(),
          e.getCause());
    } catch (TimeoutException e) {
      throw new IllegalStateException(
          "token " + id + " not acknowledged by " + topic + " within " + ACK_TIMEOUT_S + " s", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while writing token " + id, e);
    }
  }

  @Override
  public void close() {
    producer.close();
  }
}
