package dev.baton.app.runtime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.app.testing.LogCapture;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The start-up log a restart is measured with (docs/reliability.md): one line per part with its
 * duration and the time since the JVM started, and one per part on close, newest first.
 */
class PartsTest {

  @Test
  void shouldLogEachPartsStartWithItsDurationAndTheTimeSinceTheJvmStarted() {
    List<String> closed = new ArrayList<>();
    try (LogCapture logs = new LogCapture()) {
      Parts parts = new Parts();
      parts.start("the first part", () -> "one", closed::add);
      parts.start("the check", () -> null, nothing -> {});
      parts.start("the second part", () -> "two", closed::add);
      parts.close();

      assertThat(String.join("\n", logs.lines()))
          .containsPattern("started the first part in \\d+ ms \\(\\d+ ms since the JVM started\\)")
          .containsPattern(
              "the check took \\d+ ms and left nothing running \\(\\d+ ms since the JVM started\\)")
          .containsPattern("stopped the second part in \\d+ ms")
          .containsPattern("stopped the first part in \\d+ ms")
          .doesNotContain("stopped the check");
      assertThat(logs.indexOf("stopped the second part"))
          .isLessThan(logs.indexOf("stopped the first part"));
    }
    assertThat(closed).containsExactly("two", "one");
  }

  @Test
  void shouldCloseWhatStartedWhenAPartFailsAndLogNoStartForIt() {
    List<String> closed = new ArrayList<>();
    try (LogCapture logs = new LogCapture()) {
      Parts parts = new Parts();
      parts.start("the first part", () -> "one", closed::add);
      assertThatThrownBy(
              () ->
                  parts.<String>start(
                      "the broken part",
                      () -> {
                        throw new IllegalStateException("no disk");
                      },
                      closed::add))
          .hasMessage("no disk");

      assertThat(logs.indexOf("the broken part failed to start")).isNotNegative();
      assertThat(logs.indexOf("started the broken part")).isEqualTo(-1);
      assertThat(logs.indexOf("stopped the first part")).isNotNegative();
    }
    assertThat(closed).containsExactly("one");
  }
}
