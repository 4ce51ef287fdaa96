package dev.baton.app.io;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.baton.sdk.protocol.Json;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FixedWidthTimesTest {
  @Test
  void shouldAlwaysWriteMilliseconds() throws Exception {
    ObjectMapper mapper = FixedWidthTimes.on(Json.mapper());

    String json =
        mapper.writeValueAsString(
            Map.of(
                "whole", Instant.parse("2026-11-27T22:00:25Z"),
                "ms", Instant.parse("2026-11-27T22:00:25.123Z"),
                "tenth", Instant.parse("2026-11-27T22:00:25.1Z")));

    assertThat(json)
        .contains("\"whole\":\"2026-11-27T22:00:25.000Z\"")
        .contains("\"ms\":\"2026-11-27T22:00:25.123Z\"")
        .contains("\"tenth\":\"2026-11-27T22:00:25.100Z\"");
    // The protocol's own mapper is untouched: events on the log keep their form.
    assertThat(Json.mapper().writeValueAsString(Instant.parse("2026-11-27T22:00:25Z")))
        .isEqualTo("\"2026-11-27T22:00:25Z\"");
  }
}
