package dev.baton.app.bench;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A minimal HTTP/1.1 client on one kept-alive connection, in the caller's thread. The {@code read}
 * scenario measures the server: {@code java.net.http} hands every exchange to its selector and
 * executor threads, which on two busy cores added as much latency as the whole request (its p99 was
 * three times this client's on the same server).
 */
final class KeepAliveHttp implements AutoCloseable {
  private final Socket socket;
  private final OutputStream out;
  private final InputStream in;
  private final String host;

  KeepAliveHttp(String host, int port) throws IOException {
    this.socket = new Socket(host, port);
    socket.setTcpNoDelay(true);
    this.out = socket.getOutputStream();
    this.in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
    this.host = host + ":" + port;
  }

  /** Sends {@code GET path}, reads the whole answer and returns its status code. */
  int get(String path) throws IOException {
    return exchange("GET", path, Map.of(), null).status();
  }

  /** One answer: status, headers (names in lower case) and body. */
  record Answer(int status, Map<String, String> headers, String body) {}

  /**
   * Sends one request ({@code body} null for none) and reads the whole answer, a fixed-length or
   * chunked body (a server-sent event stream that ends with the answer reads as one body).
   */
  Answer exchange(String method, String path, Map<String, String> headers, String body)
      throws IOException {
    byte[] payload = body == null ? null : body.getBytes(StandardCharsets.UTF_8);
    StringBuilder head =
        new StringBuilder(method)
            .append(' ')
            .append(path)
            .append(" HTTP/1.1\r\nHost: ")
            .append(host)
            .append("\r\n");
    if (!headers.containsKey("Accept")) {
      head.append("Accept: application/json\r\n");
    }
    headers.forEach((k, v) -> head.append(k).append(": ").append(v).append("\r\n"));
    if (payload != null) {
      head.append("Content-Length: ").append(payload.length).append("\r\n");
    }
    out.write(head.append("\r\n").toString().getBytes(StandardCharsets.UTF_8));
    if (payload != null) {
      out.write(payload);
    }
    out.flush();
    String status = line();
    int code = Integer.parseInt(status.split(" ", 3)[1]);
    Map<String, String> answerHeaders = new HashMap<>();
    for (String header = line(); !header.isEmpty(); header = line()) {
      int colon = header.indexOf(':');
      if (colon > 0) {
        answerHeaders.put(
            header.substring(0, colon).trim().toLowerCase(Locale.ROOT),
            header.substring(colon + 1).trim());
      }
    }
    long length = Long.parseLong(answerHeaders.getOrDefault("content-length", "-1"));
    ByteArrayOutputStream content = new ByteArrayOutputStream();
    if (answerHeaders.getOrDefault("transfer-encoding", "").contains("chunked")) {
      for (long size = Long.parseLong(line().trim(), 16); size > 0; ) {
        copy(size, content);
        line();
        size = Long.parseLong(line().trim(), 16);
      }
      line();
    } else if (length > 0) {
      copy(length, content);
    }
    return new Answer(code, answerHeaders, content.toString(StandardCharsets.UTF_8));
  }

  private void copy(long n, ByteArrayOutputStream to) throws IOException {
    byte[] buffer = new byte[8192];
    long left = n;
    while (left > 0) {
      int read = in.read(buffer, 0, (int) Math.min(buffer.length, left));
      if (read < 0) {
        throw new IOException("connection closed in the middle of a response");
      }
      to.write(buffer, 0, read);
      left -= read;
    }
  }

  private final ByteArrayOutputStream lineBuffer = new ByteArrayOutputStream(256);

  private String line() throws IOException {
    lineBuffer.reset();
    for (int b = in.read(); b != '\n'; b = in.read()) {
      if (b < 0) {
        throw new IOException("connection closed by the server");
      }
      if (b != '\r') {
        lineBuffer.write(b);
      }
    }
    return lineBuffer.toString(StandardCharsets.US_ASCII);
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
