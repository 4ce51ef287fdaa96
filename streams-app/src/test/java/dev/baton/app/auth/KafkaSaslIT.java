package dev.baton.app.auth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.baton.app.broker.EmbeddedKafkaBroker;
import dev.baton.app.cli.CliRun;
import dev.baton.app.config.AppConfig;
import dev.baton.app.http.TestHttp;
import dev.baton.app.runtime.BatonService;
import dev.baton.sdk.BatonClient;
import dev.baton.sdk.BatonException;
import dev.baton.sdk.NewTask;
import dev.baton.sdk.protocol.Json;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A node, its sinks and an SDK client on a broker that authenticates clients with SASL
 * SCRAM-SHA-512 (a SASL_PLAINTEXT listener beside the broker's own plaintext one): with the right
 * credentials in the {@code baton.kafka.*} pass-through settings everything works end to end; a
 * client with a wrong password is refused by Kafka.
 */
@Timeout(240)
class KafkaSaslIT {
  private static final String USER = "baton-node";
  private static final String PASSWORD = "scram-secret-of-the-node";

  @Test
  void shouldRunNodeSinksAndSdkOverScramAndRefuseWrongCredentials(@TempDir Path dir)
      throws Exception {
    int plain = freePort();
    int controller = freePort();
    int sasl = freePort();
    Map<String, String> broker = new HashMap<>();
    broker.put(
        "listeners",
        "PLAINTEXT://127.0.0.1:"
            + plain
            + ",CONTROLLER://127.0.0.1:"
            + controller
            + ",SASL_PLAINTEXT://127.0.0.1:"
            + sasl);
    broker.put("controller.quorum.voters", "1@127.0.0.1:" + controller);
    broker.put(
        "advertised.listeners",
        "PLAINTEXT://127.0.0.1:" + plain + ",SASL_PLAINTEXT://127.0.0.1:" + sasl);
    broker.put(
        "listener.security.protocol.map",
        "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT");
    broker.put("sasl.enabled.mechanisms", "SCRAM-SHA-512");
    broker.put(
        "listener.name.sasl_plaintext.scram-sha-512.sasl.jaas.config",
        "org.apache.kafka.common.security.scram.ScramLoginModule required;");
    try (EmbeddedKafkaBroker kafka =
        EmbeddedKafkaBroker.start(
            new EmbeddedKafkaBroker.Settings(dir.resolve("broker"), plain, broker))) {
      try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
        admin
            .alterUserScramCredentials(
                List.of(
                    new UserScramCredentialUpsertion(
                        USER,
                        new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 4096),
                        PASSWORD)))
            .all()
            .get(30, TimeUnit.SECONDS);
      }
      String saslBootstrap = "127.0.0.1:" + sasl;
      Map<String, Object> props = new HashMap<>();
      props.put(AppConfig.BOOTSTRAP_SERVERS, saslBootstrap);
      props.put(AppConfig.DATA_DIR, dir.resolve("node").toString());
      props.put(AppConfig.HTTP_PORT, 0);
      props.put(AppConfig.PARTITIONS, 2);
      props.put(AppConfig.KAFKA_PREFIX + "security.protocol", "SASL_PLAINTEXT");
      props.put(AppConfig.KAFKA_PREFIX + "sasl.mechanism", "SCRAM-SHA-512");
      props.put(AppConfig.KAFKA_PREFIX + "sasl.jaas.config", jaas(PASSWORD));
      AppConfig config = AppConfig.parse(props);

      try (BatonService node =
              BatonService.start(
                  config, new BatonService.Options(false, 0, Duration.ofSeconds(90)));
          BatonClient sdk = client(saslBootstrap, PASSWORD, Duration.ofSeconds(30))) {
        sdk.tasks().create(NewTask.titled("over SCRAM").withId("t-sasl")).get(60, TimeUnit.SECONDS);

        TestHttp http = new TestHttp("http://127.0.0.1:" + node.httpPort());
        await(
            "the task readable over HTTP",
            () -> http.get("/v1/tasks/default/t-sasl").status() == 200);
        await(
            "the audit sink writing the task's event",
            () -> anyFileContains(config.auditDir(), "t-sasl"));
        await(
            "the projection sink writing state.json",
            () -> anyFileContains(config.exportDir(), "over SCRAM"));

        // Refused when it connects (build) or, at the latest, when it sends.
        assertThatThrownBy(
                () -> {
                  try (BatonClient wrong =
                      client(saslBootstrap, "not-the-password", Duration.ofSeconds(5))) {
                    wrong
                        .tasks()
                        .create(NewTask.titled("x").withId("t-wrong"))
                        .get(60, TimeUnit.SECONDS);
                  }
                })
            // The SDK names the refusal in a BatonException when it connects (build() checks the
            // cluster within its connect timeout); a send would fail with Kafka's own exception.
            .satisfiesAnyOf(
                e ->
                    assertThat(e)
                        .isInstanceOf(BatonException.class)
                        .hasMessageContaining("Authentication failed"),
                e -> assertThat(e).isInstanceOf(ExecutionException.class),
                e -> assertThat(e).isInstanceOf(SaslAuthenticationException.class));
        try (Admin wrongAdmin =
            Admin.create(
                Map.of(
                    "bootstrap.servers",
                    saslBootstrap,
                    "security.protocol",
                    "SASL_PLAINTEXT",
                    "sasl.mechanism",
                    "SCRAM-SHA-512",
                    "sasl.jaas.config",
                    jaas("not-the-password")))) {
          assertThatThrownBy(() -> wrongAdmin.listTopics().names().get(30, TimeUnit.SECONDS))
              .hasCauseInstanceOf(SaslAuthenticationException.class);
        }
        assertThat(http.get("/v1/tasks/default/t-wrong").status()).isEqualTo(404);

        // The operator's path to the tokens topic takes the node's baton.kafka.* settings.
        CliRun created =
            CliRun.of(
                operator(
                    PASSWORD,
                    "token",
                    "create",
                    "--bootstrap",
                    saslBootstrap,
                    "--agent",
                    "over-scram",
                    "--workspace",
                    "default",
                    "--json"));
        assertThat(created.exitCode()).as(created.toString()).isZero();
        String id = Json.mapper().readTree(created.out()).path("id").asText();
        CliRun listed =
            CliRun.of(operator(PASSWORD, "token", "list", "--bootstrap", saslBootstrap, "--json"));
        assertThat(listed.exitCode()).as(listed.toString()).isZero();
        assertThat(listed.out()).contains(id);
        CliRun refused =
            CliRun.of(operator("not-the-password", "token", "list", "--bootstrap", saslBootstrap));
        assertThat(refused.exitCode()).as(refused.toString()).isEqualTo(1);
        assertThat(refused.err())
            .contains("Authentication failed")
            .doesNotContain("not-the-password");
      }
    }
  }

  /** A CLI operator verb with the SCRAM settings as a node takes them. */
  private static String[] operator(String password, String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(
        List.of(
            "--config",
            AppConfig.KAFKA_PREFIX + "security.protocol=SASL_PLAINTEXT",
            "--config",
            AppConfig.KAFKA_PREFIX + "sasl.mechanism=SCRAM-SHA-512",
            "--config",
            AppConfig.KAFKA_PREFIX + "sasl.jaas.config=" + jaas(password)));
    return all.toArray(String[]::new);
  }

  private static BatonClient client(String bootstrap, String password, Duration timeout) {
    return BatonClient.builder()
        .bootstrapServers(bootstrap)
        .agent("sdk-service")
        .requestTimeout(timeout)
        .kafkaProperty("security.protocol", "SASL_PLAINTEXT")
        .kafkaProperty("sasl.mechanism", "SCRAM-SHA-512")
        .kafkaProperty("sasl.jaas.config", jaas(password))
        .build();
  }

  private static String jaas(String password) {
    return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\""
        + USER
        + "\" password=\""
        + password
        + "\";";
  }

  private static boolean anyFileContains(Path root, String text) {
    if (!Files.isDirectory(root)) {
      return false;
    }
    try (Stream<Path> files = Files.walk(root)) {
      return files
          .filter(Files::isRegularFile)
          .anyMatch(
              f -> {
                try {
                  return Files.readString(f).contains(text);
                } catch (IOException | UncheckedIOException e) {
                  return false;
                }
              });
    } catch (IOException | UncheckedIOException e) {
      return false;
    }
  }

  private static void await(String what, BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!condition.getAsBoolean()) {
      assertThat(System.nanoTime()).as("waiting for " + what).isLessThan(deadline);
      Thread.sleep(100);
    }
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
