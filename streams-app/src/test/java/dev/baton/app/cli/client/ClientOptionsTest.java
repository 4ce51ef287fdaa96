package dev.baton.app.cli.client;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.sdk.protocol.Names;
import org.junit.jupiter.api.Test;

class ClientOptionsTest {
  @Test
  void shouldDeriveAValidDefaultAgentFromTheUserName() {
    String original = System.getProperty("user.name");
    try {
      System.setProperty("user.name", "Jane Doe\\corp");

      String agent = ClientOptions.defaultAgent();

      assertThat(agent).isEqualTo("cli-Jane_Doe_corp");
      assertThat(Names.checkId("agent", agent)).isEqualTo(agent);
    } finally {
      System.setProperty("user.name", original);
    }
  }
}
