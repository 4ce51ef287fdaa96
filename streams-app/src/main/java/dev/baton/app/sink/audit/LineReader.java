package dev.baton.app.sink.audit;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Splits a stream into {@code \n}-terminated lines in bounded memory: a line longer than {@link
 * AuditLine#MAX_LINE_BYTES} is skipped and reported as too long instead of being held.
 */
final class LineReader implements Closeable {
  private final InputStream in;
  private final byte[] chunk = new byte[64 * 1024];
  private int chunkPos;
  private int chunkLen;
  private boolean eof;

  private byte[] line = new byte[4096];
  private int lineLen;
  private boolean terminated;
  private boolean tooLong;
  private long lineNumber;
  private long lineStart;
  private long position;

  LineReader(InputStream in) {
    this.in = in;
  }

  /** Advances to the next line; false at the end of the stream. */
  boolean next() throws IOException {
    lineLen = 0;
    terminated = false;
    tooLong = false;
    lineStart = position;
    boolean any = false;
    while (true) {
      if (chunkPos == chunkLen) {
        if (eof || !fill()) {
          eof = true;
          if (any) {
            lineNumber++;
          }
          return any;
        }
      }
      any = true;
      int start = chunkPos;
      int end = start;
      while (end < chunkLen && chunk[end] != '\n') {
        end++;
      }
      append(start, end - start);
      position += end - start;
      if (end < chunkLen) {
        chunkPos = end + 1;
        position++;
        terminated = true;
        lineNumber++;
        return true;
      }
      chunkPos = chunkLen;
    }
  }

  private boolean fill() throws IOException {
    int n = in.read(chunk, 0, chunk.length);
    while (n == 0) {
      n = in.read(chunk, 0, chunk.length);
    }
    if (n < 0) {
      return false;
    }
    chunkPos = 0;
    chunkLen = n;
    return true;
  }

  private void append(int from, int n) {
    if (tooLong || n == 0) {
      return;
    }
    if (lineLen + n > AuditLine.MAX_LINE_BYTES) {
      tooLong = true;
      return;
    }
    if (lineLen + n > line.length) {
      line = Arrays.copyOf(line, Math.max(line.length * 2, lineLen + n));
    }
    System.arraycopy(chunk, from, line, lineLen, n);
    lineLen += n;
  }

  /** The current line's bytes, without the newline; valid until the next call. */
  byte[] buffer() {
    return line;
  }

  int length() {
    return lineLen;
  }

  /** Whether the current line ended with a newline (false only for a last, torn line). */
  boolean terminated() {
    return terminated;
  }

  /** Whether the current line was longer than the limit (its bytes are not kept). */
  boolean tooLong() {
    return tooLong;
  }

  /** 1-based number of the current line. */
  long lineNumber() {
    return lineNumber;
  }

  /** Byte position of the current line's start in the (decompressed) stream. */
  long lineStart() {
    return lineStart;
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
