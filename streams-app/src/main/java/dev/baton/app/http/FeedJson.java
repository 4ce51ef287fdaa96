package dev.baton.app.http;

import dev.baton.app.feed.FeedEntry;
import dev.baton.app.feed.FeedPage;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * The wire forms of feed answers, built from the events' stored JSON without re-encoding them: the
 * long-poll body and server-sent-events frames.
 */
final class FeedJson {
  private FeedJson() {}

  /** {@code {"events":[...],"next":"<cursor>"}}. */
  static byte[] page(FeedPage page) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256);
    out.writeBytes(ascii("{\"events\":["));
    boolean first = true;
    for (FeedEntry e : page.events()) {
      if (!first) {
        out.write(',');
      }
      first = false;
      out.writeBytes(e.json());
    }
    out.writeBytes(ascii("],\"next\":\"" + page.next().encode() + "\"}"));
    return out.toByteArray();
  }

  /** An event frame: {@code id:} the cursor after it, {@code event:} its type, its JSON. */
  static byte[] eventFrame(FeedEntry e, String cursorAfter) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(e.json().length + 96);
    String type = e.type() == null ? "event" : e.type().wire();
    out.writeBytes(ascii("id: " + cursorAfter + "\nevent: " + type + "\ndata: "));
    out.writeBytes(e.json());
    out.writeBytes(ascii("\n\n"));
    return out.toByteArray();
  }

  /** A bookmark: no event, only the cursor to resume from. */
  static byte[] bookmarkFrame(String cursor) {
    return ascii("id: " + cursor + "\nevent: bookmark\ndata: {\"next\":\"" + cursor + "\"}\n\n");
  }

  static byte[] heartbeatFrame() {
    return ascii(": heartbeat\n\n");
  }

  /** A terminal error on an open stream, shaped like {@link ErrorBody}. */
  static byte[] errorFrame(String json) {
    return ("event: error\ndata: " + json + "\n\n").getBytes(StandardCharsets.UTF_8);
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }
}
