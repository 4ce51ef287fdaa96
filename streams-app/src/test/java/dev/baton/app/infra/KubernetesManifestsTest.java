package dev.baton.app.infra;

import static org.assertj.core.api.Assertions.assertThat;

import dev.baton.app.config.AppConfig;
import dev.baton.app.infra.ManifestChecks.Overlay;
import dev.baton.sdk.protocol.Topics;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarBuilder;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The rendered Kubernetes overlays ({@code infra/k8s/overlays/dev} and {@code prod}, rendered by
 * {@code kubectl kustomize}; {@link KustomizeRenderTest} keeps the copies read here equal to a
 * fresh render) load into the fabric8 Kubernetes model and hold the invariants of {@link
 * ManifestChecks}, checked against the app itself. Each invariant is also broken on purpose once,
 * to show its check catches it.
 */
class KubernetesManifestsTest {
  static final Path RENDERED = Path.of("src", "test", "resources", "k8s");

  static final Overlay DEV = new Overlay("dev", "baton-dev", 1, 1, 1, 1);
  static final Overlay PROD = new Overlay("prod", "baton", 3, 3, 3, 2);

  @TempDir static Path stateDir;
  private static HttpRoutes routes;
  private static StrimziSchemas schemas;

  @BeforeAll
  static void startHttpApi() {
    routes = HttpRoutes.start(stateDir);
    schemas = StrimziSchemas.load();
  }

  @AfterAll
  static void stopHttpApi() {
    if (routes != null) {
      routes.close();
    }
  }

  static Stream<Overlay> overlays() {
    return Stream.of(DEV, PROD);
  }

  static Manifests rendered(Overlay overlay) {
    try {
      return Manifests.parse(Files.readString(RENDERED.resolve(overlay.name() + ".yaml")));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static ManifestChecks checks(Overlay overlay) {
    return new ManifestChecks(rendered(overlay), overlay.namespace());
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void shouldLoadEveryDocumentIntoTheKubernetesModelAndTheStrimziSchemas(Overlay overlay) {
    Manifests m = rendered(overlay);

    assertThat(m.objects().size()).isEqualTo(12);
    assertThat(new ManifestChecks(m, overlay.namespace()).documents(schemas)).isEmpty();
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void shouldDeclareTheTopicsTheServiceCreates(Overlay overlay) {
    Manifests m = rendered(overlay);
    List<String> names =
        m.strimzi("KafkaTopic").stream().map(t -> t.getMetadata().getName()).toList();

    assertThat(names)
        .containsExactlyInAnyOrder(
            Topics.DEFAULT.commands(),
            Topics.DEFAULT.outcomes(),
            Topics.DEFAULT.events(),
            AppConfig.TOKENS_TOPIC);
    assertThat(checks(overlay).topics()).isEmpty();
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void shouldStartContainersWithArgumentsAndEnvironmentTheAppAccepts(Overlay overlay) {
    ManifestChecks checks = checks(overlay);

    assertThat(checks.nodes(0)).hasSize(2);
    assertThat(checks.containers()).isEmpty();
    assertThat(checks.agreement()).isEmpty();
    assertThat(checks.bootstrap()).isEmpty();
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void shouldProbeRoutesTheHttpApiServes(Overlay overlay) {
    assertThat(checks(overlay).probes(routes)).isEmpty();
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void shouldKeepWhatTheAppWritesOnPersistentVolumes(Overlay overlay) {
    assertThat(checks(overlay).mounts()).isEmpty();
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void shouldAdvertiseEachPodsHeadlessDnsNameAsApplicationServer(Overlay overlay) {
    ManifestChecks checks = checks(overlay);

    assertThat(checks.applicationServer()).isEmpty();
    assertThat(checks.clientService()).isEmpty();
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void shouldSurviveABrokerOrNodeGoingDown(Overlay overlay) {
    ManifestChecks checks = checks(overlay);

    assertThat(checks.replication()).isEmpty();
    assertThat(checks.disruption()).isEmpty();
    assertThat(checks.resources()).isEmpty();
    assertThat(checks.secrets()).isEmpty();
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void shouldHaveTheSizesTheOverlayPromises(Overlay overlay) {
    assertThat(checks(overlay).sizes(overlay)).isEmpty();
  }

  @Test
  void shouldRunThePostgresProjectionInProdFromASecret() {
    ManifestChecks.Node sink = checks(PROD).node("sink");

    assertThat(sink.config().projectionJdbcUrl()).isEqualTo("<secret baton-projection/jdbc-url>");
    assertThat(checks(DEV).node("sink").config().projectionJdbcUrl())
        .isEqualTo("jdbc:sqlite:/data/baton.db");
  }

  /**
   * Each check, shown to fail on a copy of the prod overlay broken in the way it guards against.
   */
  @Nested
  class BrokenOnPurpose {
    private final Manifests m = rendered(PROD).copy();
    private final ManifestChecks checks = new ManifestChecks(m, PROD.namespace());

    private StatefulSet serve() {
      return m.named(StatefulSet.class, "baton-serve");
    }

    private List<EnvVar> serveEnv() {
      return serve().getSpec().getTemplate().getSpec().getContainers().get(0).getEnv();
    }

    private void setServeEnv(String name, String value) {
      serveEnv().removeIf(v -> v.getName().equals(name));
      serveEnv().add(new EnvVarBuilder().withName(name).withValue(value).build());
    }

    @Test
    void aMisspeltSetting() {
      setServeEnv("BATON_REPLICATION_FACTR", "3");

      assertThat(checks.containers())
          .anyMatch(f -> f.contains("BATON_REPLICATION_FACTR is no configuration key's variable"))
          .anyMatch(f -> f.contains("did you mean BATON_REPLICATION_FACTOR?"));
    }

    @Test
    void aValueTheAppRefuses() {
      setServeEnv("BATON_HTTP_PORT", "seventy");

      assertThat(checks.containers())
          .anyMatch(f -> f.contains("refuses") && f.contains("BATON_HTTP_PORT"));
    }

    @Test
    void aVariableThatIsNoSetting() {
      setServeEnv("JAVA_OPTS", "-Xmx1g");

      assertThat(checks.containers())
          .anyMatch(f -> f.contains("JAVA_OPTS is neither a Baton setting"));
    }

    @Test
    void aReferenceToALaterVariable() {
      EnvVar podName =
          serveEnv().stream().filter(v -> v.getName().equals("POD_NAME")).findFirst().orElseThrow();
      serveEnv().remove(podName);
      serveEnv().add(podName);

      assertThat(checks.containers())
          .anyMatch(f -> f.contains("$(POD_NAME) refers to no variable defined before it"));
      assertThat(checks.applicationServer()).anyMatch(f -> f.contains("application.server"));
    }

    @Test
    void arguments() {
      serve()
          .getSpec()
          .getTemplate()
          .getSpec()
          .getContainers()
          .get(0)
          .setArgs(List.of("serve", "--no-such-option"));

      assertThat(checks.containers()).anyMatch(f -> f.contains("refused"));
    }

    @Test
    void aTopicWithOtherPartitionsThanTheApp() {
      setServeEnv("BATON_PARTITIONS", "12");

      assertThat(checks.topics())
          .anyMatch(f -> f.startsWith("baton.commands partitions: expected 12, is 24"));
    }

    @Test
    void aTopicRetentionThatLosesTheLog() {
      @SuppressWarnings("unchecked")
      Map<String, Object> config =
          (Map<String, Object>) topic("baton.events").get("spec", "config");
      config.put("retention.ms", 604800000);

      assertThat(checks.topics()).anyMatch(f -> f.startsWith("baton.events config retention.ms"));
    }

    @Test
    void aMissingTopic() {
      m.objects().remove(topic("baton.outcomes"));

      assertThat(checks.topics()).contains("no KafkaTopic for baton.outcomes");
    }

    @Test
    void replicationAboveTheBrokers() {
      setServeEnv("BATON_REPLICATION_FACTOR", "5");

      assertThat(checks.replication()).anyMatch(f -> f.contains("replication 5 but 3 broker(s)"));
    }

    @Test
    void aMinInsyncThatStopsWritesWhenABrokerIsDown() {
      kafkaConfig().put("min.insync.replicas", 3);

      assertThat(checks.replication())
          .anyMatch(f -> f.contains("stops writes when one broker is down"));
    }

    @Test
    void aBootstrapThatIsNotTheStrimziService() {
      setServeEnv("BATON_BOOTSTRAP_SERVERS", "kafka:9092");

      assertThat(checks.bootstrap()).anyMatch(f -> f.contains("bootstrap kafka:9092 is none of"));
      assertThat(checks.agreement()).anyMatch(f -> f.startsWith("bootstrap of serve and sink"));
    }

    @Test
    void aReadinessProbeOnARouteThatDoesNotExist() {
      serve()
          .getSpec()
          .getTemplate()
          .getSpec()
          .getContainers()
          .get(0)
          .getReadinessProbe()
          .getHttpGet()
          .setPath("/healthz");

      assertThat(routes.get("/healthz")).isEqualTo(404);
      assertThat(checks.probes(routes))
          .contains("serve: the readiness probe must be GET /v1/health")
          .contains("serve: readiness probe path /healthz is no route of the HTTP API");
    }

    @Test
    void aProbeOnAnotherPort() {
      setServeEnv("BATON_HTTP_PORT", "8080");

      assertThat(checks.probes(routes)).anyMatch(f -> f.contains("is not the HTTP port 8080"));
      assertThat(checks.clientService()).anyMatch(f -> f.contains("does not reach the HTTP port"));
    }

    @Test
    void aDataDirOffTheVolume() {
      setServeEnv("BATON_DATA_DIR", "/var/baton");

      assertThat(checks.mounts())
          .contains("baton-serve: /var/baton/streams is not on a persistent volume");
    }

    @Test
    void anApplicationServerThatIsNotThePodsName() {
      setServeEnv("BATON_APPLICATION_SERVER", "baton:7070");

      assertThat(checks.applicationServer())
          .contains(
              "baton-serve-2: application.server baton:7070, its DNS name is baton-serve-2.baton-headless.baton.svc.cluster.local:7070");
    }

    @Test
    void aGoverningServiceThatIsNotHeadless() {
      m.named(Service.class, "baton-headless").getSpec().setClusterIP("10.0.0.1");

      assertThat(checks.applicationServer()).contains("Service baton-headless is not headless");
    }

    @Test
    void aDisruptionBudgetThatLetsAllNodesGo() {
      m.named(PodDisruptionBudget.class, "baton-serve")
          .getSpec()
          .setMaxUnavailable(new IntOrString(3));
      serve().getSpec().getTemplate().getSpec().setTerminationGracePeriodSeconds(10L);

      assertThat(checks.disruption()).hasSize(2);
    }

    @Test
    void aPasswordInTheManifest() {
      StatefulSet sink = m.named(StatefulSet.class, "baton-sink");
      List<EnvVar> env = sink.getSpec().getTemplate().getSpec().getContainers().get(0).getEnv();
      env.removeIf(v -> v.getName().equals("BATON_PROJECTION_JDBC_URL"));
      env.add(
          new EnvVarBuilder()
              .withName("BATON_PROJECTION_JDBC_URL")
              .withValue("jdbc:postgresql://db/baton?user=baton&password=hunter2")
              .build());

      assertThat(checks.secrets()).hasSize(2);
    }

    @Test
    void anOverlayWithFewerNodes() {
      serve().getSpec().setReplicas(1);

      assertThat(checks.sizes(PROD)).contains("serve replicas: expected 3, is 1");
    }

    @Test
    void aMisspeltField() throws IOException {
      String yaml =
          Files.readString(RENDERED.resolve("prod.yaml"))
              .replace("readinessProbe:", "readinesProbe:")
              .replace("    topicOperator: {}", "    topicOperater: {}");
      Manifests broken = Manifests.parse(yaml);

      assertThat(new ManifestChecks(broken, PROD.namespace()).documents(schemas))
          .anyMatch(f -> f.contains("readinesProbe: unknown field"))
          .anyMatch(f -> f.contains("entityOperator.topicOperater: unknown field"));
    }

    private GenericKubernetesResource topic(String name) {
      return m.strimzi("KafkaTopic").stream()
          .filter(t -> t.getMetadata().getName().equals(name))
          .findFirst()
          .orElseThrow();
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> kafkaConfig() {
      return (Map<String, Object>) m.strimzi("Kafka").get(0).get("spec", "kafka", "config");
    }
  }
}
