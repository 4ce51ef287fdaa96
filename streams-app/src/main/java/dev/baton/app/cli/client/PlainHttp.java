package dev.baton.app.cli.client;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;

/**
 * A minimal HTTP/1.1 client for {@code http://} URLs: one request per connection ({@code
 * Connection: close}), a fixed-length body out, a fixed-length, chunked or until-close body in.
 *
 * <p>Why not {@link java.net.http.HttpClient}: building one initializes TLS (the default {@code
 * SSLContext}, its providers and trust store) even for plain HTTP, which costs 0.2-0.8 s of every
 * CLI call on a 2-core machine, more than all the rest of a client verb. The CLI talks to a local
 * node over plain HTTP almost always; {@code https://} still goes through {@code HttpClient}.
 */
final class PlainHttp {
  /** One answer: status, content type (null when absent) and body bytes. */
  record Answer(int status, String contentType, byte[] body) {}

  private static final int MAX_HEADER_BYTES = 64 * 1024;
  private static final int MAX_BODY_BYTES = 16 * 1024 * 1024;

  private PlainHttp() {}

  static Answer send(
      URI uri,
      String method,
      Map<String, String> headers,
      byte[] body,
      Duration connectTimeout,
      Duration timeout)
      throws IOException {
    int port = uri.getPort() == -1 ? 80 : uri.getPort();
    String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    if (uri.getRawQuery() != null) {
      path += "?" + uri.getRawQuery();
    }
    try (Socket socket = new Socket()) {
      socket.setTcpNoDelay(true);
      socket.connect(new InetSocketAddress(uri.getHost(), port), (int) connectTimeout.toMillis());
      socket.setSoTimeout((int) Math.min(Integer.MAX_VALUE, timeout.toMillis()));
      StringBuilder head = new StringBuilder();
      head.append(method).append(' ').append(path).append(" HTTP/1.1\r\n");
      head.append("Host: ").append(uri.getHost()).append(':').append(port).append("\r\n");
      head.append("Connection: close\r\n");
      for (Map.Entry<String, String> h : headers.entrySet()) {
        head.append(h.getKey()).append(": ").append(h.getValue()).append("\r\n");
      }
      if (body != null) {
        head.append("Content-Length: ").append(body.length).append("\r\n");
      }
      head.append("\r\n");
      OutputStream out = socket.getOutputStream();
      out.write(head.toString().getBytes(StandardCharsets.UTF_8));
      if (body != null) {
        out.write(body);
      }
      out.flush();
      return read(new BufferedInputStream(socket.getInputStream()));
    } catch (SocketTimeoutException e) {
      throw new HttpTimeoutException("no answer within " + timeout.toMillis() + " ms");
    }
  }

  private static Answer read(InputStream in) throws IOException {
    String statusLine = line(in);
    String[] parts = statusLine.split(" ", 3);
    if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
      throw new IOException("not an HTTP answer: " + statusLine);
    }
    int status;
    try {
      status = Integer.parseInt(parts[1]);
    } catch (NumberFormatException e) {
      throw new IOException("not an HTTP status: " + statusLine, e);
    }
    long length = -1;
    boolean chunked = false;
    String contentType = null;
    int headerBytes = 0;
    for (String header = line(in); !header.isEmpty(); header = line(in)) {
      headerBytes += header.length();
      if (headerBytes > MAX_HEADER_BYTES) {
        throw new IOException("HTTP headers too large");
      }
      int colon = header.indexOf(':');
      if (colon < 0) {
        continue;
      }
      String name = header.substring(0, colon).trim().toLowerCase(Locale.ROOT);
      String value = header.substring(colon + 1).trim();
      if (name.equals("content-length")) {
        length = Long.parseLong(value);
      } else if (name.equals("content-type")) {
        contentType = value;
      } else if (name.equals("transfer-encoding")
          && value.toLowerCase(Locale.ROOT).contains("chunked")) {
        chunked = true;
      }
    }
    ByteArrayOutputStream body = new ByteArrayOutputStream();
    if (chunked) {
      for (long size = chunkSize(in); size > 0; size = chunkSize(in)) {
        copy(in, body, size);
        line(in);
      }
    } else if (length >= 0) {
      copy(in, body, length);
    } else {
      copy(in, body, MAX_BODY_BYTES);
    }
    return new Answer(status, contentType, body.toByteArray());
  }

  private static long chunkSize(InputStream in) throws IOException {
    String line = line(in);
    int semicolon = line.indexOf(';');
    String hex = (semicolon < 0 ? line : line.substring(0, semicolon)).trim();
    try {
      return Long.parseLong(hex, 16);
    } catch (NumberFormatException e) {
      throw new IOException("bad chunk size: " + line, e);
    }
  }

  private static void copy(InputStream in, ByteArrayOutputStream out, long max) throws IOException {
    byte[] buffer = new byte[8192];
    long left = max;
    while (left > 0) {
      int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
      if (n < 0) {
        if (max == MAX_BODY_BYTES) {
          return;
        }
        throw new IOException("connection closed before the end of the answer");
      }
      out.write(buffer, 0, n);
      left -= n;
      if (out.size() > MAX_BODY_BYTES) {
        throw new IOException("answer larger than " + MAX_BODY_BYTES + " bytes");
      }
    }
  }

  private static String line(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) != -1) {
      if (c == '\n') {
        break;
      }
      if (c != '\r') {
        line.write(c);
      }
      if (line.size() > MAX_HEADER_BYTES) {
        throw new IOException("HTTP line too long");
      }
    }
    if (c == -1 && line.size() == 0) {
      throw new IOException("connection closed without an answer");
    }
    return line.toString(StandardCharsets.ISO_8859_1);
  }
}
