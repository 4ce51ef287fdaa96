package dev.baton.sdk.protocol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EventCursorTest {
  private static String wire(String body) {
    return "c1."
        + Base64.getUrlEncoder()
            .withoutPadding()
            .encodeToString(body.getBytes(StandardCharsets.US_ASCII));
  }

  @Test
  void shouldRoundTripItsWireForm() {
    EventCursor cursor = new EventCursor(Map.of(2, 7L, 0, 15L, 1, 0L));

    EventCursor parsed = EventCursor.parse("after", cursor.encode());

    assertThat(parsed).isEqualTo(cursor);
    assertThat(parsed.position(0)).isEqualTo(15);
    assertThat(cursor.encode()).isEqualTo(wire("0:15,1:0,2:7"));
  }

  @Test
  void shouldReadAnUnnamedPartitionFromItsBeginning() {
    EventCursor cursor = EventCursor.parse("after", wire("0:4"));

    assertThat(cursor.position(5)).isZero();
    assertThat(EventCursor.parse("after", EventCursor.START.encode())).isEqualTo(EventCursor.START);
  }

  @Test
  void shouldMoveOnePartition() {
    EventCursor cursor = new EventCursor(Map.of(0, 1L, 1, 1L)).with(1, 9);

    assertThat(cursor.positions()).isEqualTo(Map.of(0, 1L, 1, 9L));
  }

  @Test
  void shouldRejectWhatItDidNotIssue() {
    assertThatThrownBy(() -> EventCursor.parse("after", "beginning"))
        .isInstanceOf(InvalidCommandException.class)
        .hasMessageContaining("after");
    assertThatThrownBy(() -> EventCursor.parse("after", "c1.%%%"))
        .hasMessageContaining("base64url");
    assertThatThrownBy(() -> EventCursor.parse("after", wire("0:1,0:2")))
        .hasMessageContaining("twice");
    assertThatThrownBy(() -> EventCursor.parse("after", wire("0:-1")))
        .hasMessageContaining("negative");
    assertThatThrownBy(() -> EventCursor.parse("after", wire("0:99999999999999999999")))
        .hasMessageContaining("partition:offset");
    assertThatThrownBy(() -> EventCursor.parse("after", wire("x")))
        .hasMessageContaining("partition:offset");
    assertThatThrownBy(() -> EventCursor.parse("after", "c1." + "A".repeat(9000)))
        .hasMessageContaining("limit");
    assertThatThrownBy(() -> EventCursor.parse("after", "")).hasMessageContaining("empty");
  }
}
