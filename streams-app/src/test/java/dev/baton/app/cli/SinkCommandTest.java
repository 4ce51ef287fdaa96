package dev.baton.app.cli;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SinkCommandTest {

  @Test
  void shouldMaskThePasswordOfTheProjectionUrlItPrints() {
    assertThat(
            SinkCommand.withoutCredentials(
                "jdbc:postgresql://db:5432/baton?user=baton&password=hunter2&ssl=true"))
        .isEqualTo("jdbc:postgresql://db:5432/baton?user=baton&password=***&ssl=true");
    assertThat(SinkCommand.withoutCredentials("jdbc:postgresql://baton:hunter2@db:5432/baton"))
        .isEqualTo("jdbc:postgresql://baton:***@db:5432/baton");
    assertThat(SinkCommand.withoutCredentials("jdbc:sqlite:/data/baton.db"))
        .isEqualTo("jdbc:sqlite:/data/baton.db");
  }
}
