package dev.baton.app.cli.lock;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.sdk.protocol.Json;
import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LockFormatTest {
  private static JsonNode json(String text) throws IOException {
    return Json.mapper().readTree(text);
  }

  @Test
  void shouldShowTheAgentsPlaceInTheQueue() throws IOException {
    JsonNode status =
        json(
            "{\"resource\":\"src/App.java\",\"holders\":[{\"agent\":\"alice\"}],"
                + "\"queue\":[{\"agent\":\"bob\"},{\"agent\":\"carol\"}]}");

    assertThat(LockFormat.queueLine(status, "carol"))
        .isEqualTo("waiting for lock src/App.java: position 2 of 2, held by alice");
    assertThat(LockFormat.queueLine(status, "alice")).isNull();
  }

  @Test
  void shouldNameEveryHolderOfASharedGrant() throws IOException {
    JsonNode grant =
        json(
            "{\"resource\":\"docs\",\"mode\":\"COLLABORATIVE\",\"token\":4,"
                + "\"holders\":[\"a\",\"b\"]}");

    assertThat(LockFormat.grant(grant))
        .isEqualTo("lock docs granted: COLLABORATIVE, token 4 (holders: a, b)");
  }

  @Test
  void shouldShowAFreeLock() throws IOException {
    JsonNode free =
        json("{\"resource\":\"docs\",\"holders\":[],\"queue\":[],\"lastToken\":4,\"version\":9}");

    assertThat(LockFormat.detail(free)).isEqualTo("lock docs v9 free, last token 4");
  }

  @ParameterizedTest
  @CsvSource({"500ms, 500", "30s, 30000", "5m, 300000", "1h, 3600000", "0, 0", "PT2S, 2000"})
  void shouldReadDurations(String text, long millis) {
    assertThat(new DurationConverter().convert(text)).isEqualTo(Duration.ofMillis(millis));
  }
}
