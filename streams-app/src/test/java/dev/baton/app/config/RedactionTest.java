package dev.baton.app.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RedactionTest {
  @Test
  void shouldMaskPasswordsAndTokensInJdbcUrls() {
    assertThat(
            Redaction.jdbcUrl(
                "jdbc:postgresql://db:5432/baton?user=baton&password=hunter2&sslpassword=x9"
                    + "&currentSchema=s"))
        .isEqualTo(
            "jdbc:postgresql://db:5432/baton?user=baton&password=***&sslpassword=***"
                + "&currentSchema=s");
    assertThat(Redaction.jdbcUrl("jdbc:postgresql://baton:hunter2@db/baton"))
        .isEqualTo("jdbc:postgresql://baton:***@db/baton");
    assertThat(Redaction.jdbcUrl("jdbc:sqlite:/data/baton.db"))
        .isEqualTo("jdbc:sqlite:/data/baton.db");
  }

  @Test
  void shouldMaskSecretsQuotedInMessages() {
    assertThat(
            Redaction.secretsIn(
                "cannot open 'jdbc:postgresql://h/db?PASSWORD=hunter2;accessToken=abc' (refused)"))
        .doesNotContain("hunter2", "abc")
        .contains("PASSWORD=***", "accessToken=***", "(refused)");
  }

  @Test
  void shouldMaskConfigValuesOfSecretKeys() {
    assertThat(Redaction.configValue("baton.auth.token.secret", "hunter2")).isEqualTo("***");
    assertThat(
            Redaction.configValue(
                "baton.projection.jdbc.url", "jdbc:postgresql://h/db?password=hunter2"))
        .isEqualTo("jdbc:postgresql://h/db?password=***");
    assertThat(Redaction.configValue("baton.partitions", 6)).isEqualTo(6);
  }
}
