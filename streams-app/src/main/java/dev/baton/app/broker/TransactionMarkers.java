package dev.baton.app.broker;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;
import org.apache.kafka.common.requests.RequestHeader;
import org.apache.kafka.common.requests.TransactionResult;
import org.apache.kafka.common.requests.WriteTxnMarkersRequest;
import org.apache.kafka.common.requests.WriteTxnMarkersRequest.TxnMarkerEntry;
import org.apache.kafka.common.requests.WriteTxnMarkersResponse;

/**
 * Writes one transaction marker to a partition's leader with Kafka's {@code WriteTxnMarkers}
 * request, the request a transaction coordinator sends. Kafka's admin client only writes abort
 * markers ({@code Admin.abortTransaction}); completing a transaction its coordinator decided to
 * commit needs a commit marker, so this sends the request itself, over a plaintext connection (the
 * embedded broker's listener). The marker carries the legacy transaction version (0), whose check
 * at the leader is the one {@code Admin.abortTransaction} relies on: the marker's producer epoch
 * must not be lower than the partition's, nor its coordinator epoch.
 */
public final class TransactionMarkers {

  /** The first version every Kafka 4 broker accepts; it carries no transaction version (0). */
  private static final short VERSION = 1;

  private static final int MAX_RESPONSE_BYTES = 1 << 20;

  private TransactionMarkers() {}

  /**
   * Writes the marker {@code commit} (true) or abort (false) of the producer's transaction on
   * {@code partition}, at the partition's {@code leader}.
   *
   * @throws IOException if the leader cannot be reached or answers with an error
   */
  public static void write(
      Node leader,
      TopicPartition partition,
      long producerId,
      short producerEpoch,
      int coordinatorEpoch,
      boolean commit,
      int timeoutMs)
      throws IOException {
    TxnMarkerEntry marker =
        new TxnMarkerEntry(
            producerId,
            producerEpoch,
            coordinatorEpoch,
            commit ? TransactionResult.COMMIT : TransactionResult.ABORT,
            List.of(partition),
            (short) 0);
    WriteTxnMarkersRequest request =
        new WriteTxnMarkersRequest.Builder(List.of(marker)).build(VERSION);
    RequestHeader header =
        new RequestHeader(ApiKeys.WRITE_TXN_MARKERS, VERSION, "baton-transaction-repair", 1);
    ByteBuffer body = request.serializeWithHeader(header);
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(leader.host(), leader.port()), timeoutMs);
      socket.setSoTimeout(timeoutMs);
      DataOutputStream out = new DataOutputStream(socket.getOutputStream());
      byte[] bytes = new byte[body.remaining()];
      body.get(bytes);
      out.writeInt(bytes.length);
      out.write(bytes);
      out.flush();
      DataInputStream in = new DataInputStream(socket.getInputStream());
      int n = in.readInt();
      if (n < 0 || n > MAX_RESPONSE_BYTES) {
        throw new IOException("unexpected response size " + n);
      }
      byte[] frame = new byte[n];
      in.readFully(frame);
      ByteBuffer answer = ByteBuffer.wrap(frame);
      WriteTxnMarkersResponse response =
          (WriteTxnMarkersResponse) AbstractResponse.parseResponse(answer, header);
      Map<TopicPartition, Errors> errors = response.errorsByProducerId().get(producerId);
      Errors error = errors == null ? Errors.UNKNOWN_SERVER_ERROR : errors.get(partition);
      if (error != Errors.NONE) {
        throw new IOException(
            "the leader of "
                + partition
                + " refused the "
                + (commit ? "commit" : "abort")
                + " marker: "
                + (error == null ? "no answer for the partition" : error.name()));
      }
    }
  }
}
