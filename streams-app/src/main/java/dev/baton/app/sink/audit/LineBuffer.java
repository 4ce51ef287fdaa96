package dev.baton.app.sink.audit;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** A byte buffer that exposes its array, to hash and write audit lines without copying. */
final class LineBuffer extends ByteArrayOutputStream {
  LineBuffer() {
    super(1024);
  }

  byte[] bytes() {
    return buf;
  }

  /** Writes {@code v} in decimal ASCII without allocating. */
  void writeDecimal(long v) {
    if (v < 0) {
      if (v == Long.MIN_VALUE) {
        write(Long.toString(v).getBytes(StandardCharsets.US_ASCII));
        return;
      }
      write('-');
      v = -v;
    }
    int digits = 1;
    for (long p = 10; p <= v && digits < 19; p *= 10) {
      digits++;
    }
    ensureCapacity(count + digits);
    for (int k = count + digits - 1; k >= count; k--) {
      buf[k] = (byte) ('0' + v % 10);
      v /= 10;
    }
    count += digits;
  }

  private void ensureCapacity(int min) {
    if (min > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(min, buf.length * 2));
    }
  }

  @Override
  public void write(byte[] b) {
    write(b, 0, b.length);
  }
}
