package dev.baton.app.infra;

import com.fasterxml.jackson.databind.JsonNode;
import dev.baton.app.cli.BatonCli;
import dev.baton.app.cli.NodeSettings;
import dev.baton.app.config.AppConfig;
import dev.baton.app.config.ConfigEnvironment;
import dev.baton.app.runtime.StreamsSettings;
import dev.baton.app.runtime.TopicAdmin;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeMount;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.streams.StreamsConfig;
import picocli.CommandLine;

/**
 * The invariants of a rendered overlay, each a method that returns what it finds wrong (empty when
 * the overlay holds). Whatever the app decides is asked of the app itself: the settings a pod runs
 * with come from {@link NodeSettings#of} with the pod's arguments and environment, the topics from
 * {@link TopicAdmin#plan}, the advertised address from {@link StreamsSettings}, the routes from the
 * running {@link HttpRoutes}.
 */
final class ManifestChecks {
  /** What an overlay promises: where it goes and how many of everything. */
  record Overlay(
      String name, String namespace, int nodes, int brokers, int replication, int minIsr) {}

  /** One container of a StatefulSet, with the settings its pod {@code ordinal} runs with. */
  record Node(
      StatefulSet set, Container container, String command, PodEnvironment env, AppConfig config) {
    String podName(int ordinal) {
      return set.getMetadata().getName() + "-" + ordinal;
    }
  }

  /**
   * Longest the node takes to stop after SIGTERM: the topology's close timeout in {@code
   * BatonService.close} (30 s) plus the HTTP API and clients.
   */
  static final int STOP_SECONDS = 35;

  private final Manifests m;
  private final String namespace;

  ManifestChecks(Manifests manifests, String namespace) {
    this.m = manifests;
    this.namespace = namespace;
  }

  // ---- the nodes -------------------------------------------------------------------------------

  /**
   * Every container of every StatefulSet as pod {@code ordinal} would run it; null config if
   * refused.
   */
  List<Node> nodes(int ordinal) {
    List<Node> nodes = new ArrayList<>();
    for (StatefulSet set : m.all(StatefulSet.class)) {
      for (Container c : set.getSpec().getTemplate().getSpec().getContainers()) {
        String pod = set.getMetadata().getName() + "-" + ordinal;
        PodEnvironment env = PodEnvironment.of(c, pod, namespace);
        AppConfig config;
        try {
          config = NodeSettings.of(env.values(), c.getArgs().toArray(String[]::new));
        } catch (RuntimeException e) {
          config = null;
        }
        nodes.add(new Node(set, c, c.getArgs().isEmpty() ? "" : c.getArgs().get(0), env, config));
      }
    }
    return nodes;
  }

  Node node(String command) {
    return nodes(0).stream()
        .filter(n -> n.command().equals(command))
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("no container runs baton " + command));
  }

  // ---- invariants ------------------------------------------------------------------------------

  /** Every document is named, in the overlay's namespace, and known to its schema. */
  List<String> documents(StrimziSchemas schemas) {
    List<String> found = new ArrayList<>();
    for (JsonNode doc : m.documents()) {
      String id = doc.path("kind").asText() + "/" + doc.path("metadata").path("name").asText();
      if (doc.path("apiVersion").asText().isEmpty()
          || doc.path("kind").asText().isEmpty()
          || doc.path("metadata").path("name").asText().isEmpty()) {
        found.add(id + ": apiVersion, kind and metadata.name are required");
      }
      if (!namespace.equals(doc.path("metadata").path("namespace").asText())) {
        found.add(id + ": not in namespace " + namespace);
      }
      if (doc.path("apiVersion").asText().startsWith("kafka.strimzi.io/")) {
        found.addAll(schemas.violations(doc));
      }
    }
    m.unknownFields().forEach(f -> found.add(f + ": unknown field"));
    return found;
  }

  /**
   * Every container runs a node command with arguments the CLI accepts, and its environment is
   * Baton settings (a key's variable each) plus downward-API helpers that a setting uses; the app
   * accepts the whole of it.
   */
  List<String> containers() {
    List<String> found = new ArrayList<>();
    for (Node node : nodes(0)) {
      String where = node.set().getMetadata().getName() + "/" + node.container().getName();
      String[] args = node.container().getArgs().toArray(String[]::new);
      try {
        CommandLine.ParseResult parsed = BatonCli.commandLine().parseArgs(args);
        if (!parsed.hasSubcommand()) {
          found.add(where + ": args " + List.of(args) + " name no command");
        }
      } catch (CommandLine.ParameterException e) {
        found.add(where + ": args " + List.of(args) + " refused: " + e.getMessage());
      }
      if (!Set.of("serve", "sink").contains(node.command())) {
        found.add(where + ": runs '" + node.command() + "', not serve or sink");
      }
      node.env().problems().forEach(p -> found.add(where + ": " + p));
      List<EnvVar> env = node.container().getEnv();
      for (EnvVar var : env) {
        String name = var.getName();
        if (name.startsWith(ConfigEnvironment.PREFIX)) {
          if (ConfigEnvironment.key(name).isEmpty()) {
            found.add(where + ": " + name + " is no configuration key's variable");
          }
        } else if (var.getValueFrom() == null
            || var.getValueFrom().getFieldRef() == null
            || env.stream()
                .noneMatch(o -> o.getValue() != null && o.getValue().contains("$(" + name + ")"))) {
          found.add(
              where
                  + ": "
                  + name
                  + " is neither a Baton setting nor a downward-API helper one uses");
        }
      }
      if (node.config() == null) {
        try {
          NodeSettings.of(node.env().values(), args);
        } catch (RuntimeException e) {
          found.add(where + ": the app refuses this environment: " + e.getMessage());
        }
      }
    }
    return found;
  }

  /** The KafkaTopics are the topics {@code baton serve} would create with its settings. */
  List<String> topics() {
    List<String> found = new ArrayList<>();
    AppConfig config = node("serve").config();
    List<NewTopic> plan =
        new ArrayList<>(
            TopicAdmin.plan(
                config.topics(),
                config.partitions(),
                config.outcomePartitions(),
                config.replicationFactor()));
    plan.add(TopicAdmin.tokensTopic(config.tokensTopic(), config.replicationFactor()));
    Map<String, GenericKubernetesResource> declared = new HashMap<>();
    for (GenericKubernetesResource t : m.strimzi("KafkaTopic")) {
      String name =
          Optional.ofNullable((String) t.get("spec", "topicName"))
              .orElse(t.getMetadata().getName());
      declared.put(name, t);
      if (!kafka()
          .getMetadata()
          .getName()
          .equals(t.getMetadata().getLabels().get("strimzi.io/cluster"))) {
        found.add(
            "KafkaTopic "
                + name
                + ": not labelled for the Kafka cluster "
                + kafka().getMetadata().getName());
      }
    }
    Set<String> planned = new TreeSet<>();
    for (NewTopic topic : plan) {
      planned.add(topic.name());
      GenericKubernetesResource t = declared.get(topic.name());
      if (t == null) {
        found.add("no KafkaTopic for " + topic.name());
        continue;
      }
      expect(
          found,
          topic.name() + " partitions",
          topic.numPartitions(),
          number(t.get("spec", "partitions")));
      expect(
          found,
          topic.name() + " replicas",
          (int) topic.replicationFactor(),
          number(t.get("spec", "replicas")));
      for (Map.Entry<String, String> c : topic.configs().entrySet()) {
        Object value = t.get("spec", "config", c.getKey());
        if (value == null || !c.getValue().equals(String.valueOf(value))) {
          found.add(
              topic.name()
                  + " config "
                  + c.getKey()
                  + ": the app creates "
                  + c.getValue()
                  + ", the KafkaTopic says "
                  + value);
        }
      }
    }
    for (String name : declared.keySet()) {
      if (!planned.contains(name)) {
        found.add("KafkaTopic " + name + " is no topic Baton uses");
      }
    }
    return found;
  }

  /**
   * Replication fits the brokers, and one broker can be down: min.insync.replicas below the
   * replication of every topic (Baton's, the Streams changelogs', the transaction and offsets logs)
   * whenever it is above 1.
   */
  List<String> replication() {
    List<String> found = new ArrayList<>();
    int brokers = brokers();
    Map<String, Object> kafkaConfig = kafkaConfig();
    int minIsr = number(kafkaConfig.getOrDefault("min.insync.replicas", 1));
    Map<String, Integer> factors = new HashMap<>();
    factors.put(
        "baton.replication.factor (Streams internal topics)",
        (int) node("serve").config().replicationFactor());
    // Kafka's defaults where the cluster leaves a key out.
    factors.put(
        "default.replication.factor",
        number(kafkaConfig.getOrDefault("default.replication.factor", 1)));
    for (String key :
        List.of("offsets.topic.replication.factor", "transaction.state.log.replication.factor")) {
      factors.put(key, number(kafkaConfig.getOrDefault(key, 3)));
    }
    for (GenericKubernetesResource t : m.strimzi("KafkaTopic")) {
      int replicas = number(t.get("spec", "replicas"));
      factors.put("KafkaTopic " + t.getMetadata().getName(), replicas);
      Object topicIsr = t.get("spec", "config", "min.insync.replicas");
      int isr = topicIsr == null ? minIsr : number(topicIsr);
      if (isr != minIsr) {
        found.add(
            "KafkaTopic "
                + t.getMetadata().getName()
                + ": min.insync.replicas "
                + isr
                + ", the cluster's is "
                + minIsr);
      }
    }
    factors.forEach(
        (what, factor) -> {
          if (factor > brokers) {
            found.add(what + ": replication " + factor + " but " + brokers + " broker(s)");
          }
          if (factor > 1 && minIsr >= factor) {
            found.add(
                what
                    + ": replication "
                    + factor
                    + " with min.insync.replicas "
                    + minIsr
                    + " stops writes when one broker is down");
          }
        });
    int txnIsr = number(kafkaConfig.getOrDefault("transaction.state.log.min.isr", 2));
    if (txnIsr > factors.get("transaction.state.log.replication.factor")) {
      found.add("transaction.state.log.min.isr " + txnIsr + " above its replication");
    }
    return found;
  }

  /**
   * Both node kinds reach the Strimzi cluster through its bootstrap Service, on a plain listener.
   */
  List<String> bootstrap() {
    List<String> found = new ArrayList<>();
    GenericKubernetesResource kafka = kafka();
    Set<String> addresses = new TreeSet<>();
    for (Object l : (List<?>) kafka.get("spec", "kafka", "listeners")) {
      Map<?, ?> listener = (Map<?, ?>) l;
      if ("internal".equals(listener.get("type")) && Boolean.FALSE.equals(listener.get("tls"))) {
        addresses.add(kafka.getMetadata().getName() + "-kafka-bootstrap:" + listener.get("port"));
      }
    }
    for (Node node : nodes(0)) {
      if (node.config() != null && !addresses.contains(node.config().bootstrapServers())) {
        found.add(
            node.set().getMetadata().getName()
                + ": bootstrap "
                + node.config().bootstrapServers()
                + " is none of "
                + addresses);
      }
    }
    return found;
  }

  /** serve and sink work on the same log: topics, application id, cluster, image. */
  List<String> agreement() {
    List<String> found = new ArrayList<>();
    Node serve = node("serve");
    Node sink = node("sink");
    expect(found, "topics of serve and sink", serve.config().topics(), sink.config().topics());
    expect(
        found,
        "application id of serve and sink",
        serve.config().applicationId(),
        sink.config().applicationId());
    expect(
        found,
        "bootstrap of serve and sink",
        serve.config().bootstrapServers(),
        sink.config().bootstrapServers());
    expect(
        found,
        "image of serve and sink",
        serve.container().getImage(),
        sink.container().getImage());
    return found;
  }

  /**
   * Readiness means serving (the health route, which answers 200 only while the topology runs);
   * every probe goes to the HTTP port the app listens on, and an HTTP probe to a route it serves.
   */
  List<String> probes(HttpRoutes routes) {
    List<String> found = new ArrayList<>();
    Node serve = node("serve");
    Container c = serve.container();
    int httpPort = serve.config().httpPort();
    Probe readiness = c.getReadinessProbe();
    if (readiness == null
        || readiness.getHttpGet() == null
        || !"/v1/health".equals(readiness.getHttpGet().getPath())) {
      found.add("serve: the readiness probe must be GET /v1/health");
    }
    if (c.getLivenessProbe() == null) {
      found.add("serve: no liveness probe");
    }
    Map<String, Probe> probes = new HashMap<>();
    probes.put("readiness", readiness);
    probes.put("liveness", c.getLivenessProbe());
    probes.put("startup", c.getStartupProbe());
    probes.forEach(
        (kind, probe) -> {
          if (probe == null) {
            return;
          }
          IntOrString port =
              probe.getHttpGet() != null
                  ? probe.getHttpGet().getPort()
                  : probe.getTcpSocket() != null ? probe.getTcpSocket().getPort() : null;
          if (port == null) {
            found.add("serve: " + kind + " probe is neither HTTP nor TCP");
            return;
          }
          Integer resolved = containerPort(c, port);
          if (!Objects.equals(resolved, httpPort)) {
            found.add(
                "serve: "
                    + kind
                    + " probe port "
                    + port.getValue()
                    + " is not the HTTP port "
                    + httpPort);
          }
          if (probe.getHttpGet() != null && !routes.serves(probe.getHttpGet().getPath())) {
            found.add(
                "serve: "
                    + kind
                    + " probe path "
                    + probe.getHttpGet().getPath()
                    + " is no route of the HTTP API");
          }
        });
    return found;
  }

  /**
   * The directories the app writes are on the pod's persistent volume: the RocksDB state of serve,
   * the exports (and a SQLite projection) of sink; /tmp is writable when the root is read-only.
   */
  List<String> mounts() {
    List<String> found = new ArrayList<>();
    for (Node node : nodes(0)) {
      if (node.config() == null) {
        continue;
      }
      String where = node.set().getMetadata().getName();
      List<Path> persistent = new ArrayList<>();
      if (node.command().equals("serve")) {
        persistent.add(node.config().streamsStateDir());
      } else {
        persistent.add(node.config().exportDir());
        persistent.add(node.config().auditDir());
        persistent.add(node.config().checkpointDir());
        String jdbc = node.config().projectionJdbcUrl();
        if (jdbc.startsWith("jdbc:sqlite:")) {
          persistent.add(Path.of(jdbc.substring("jdbc:sqlite:".length())));
        }
      }
      Set<String> claims = new TreeSet<>();
      for (PersistentVolumeClaim claim :
          Optional.ofNullable(node.set().getSpec().getVolumeClaimTemplates()).orElse(List.of())) {
        claims.add(claim.getMetadata().getName());
      }
      Set<String> volumes = new TreeSet<>();
      for (Volume v :
          Optional.ofNullable(node.set().getSpec().getTemplate().getSpec().getVolumes())
              .orElse(List.of())) {
        volumes.add(v.getName());
      }
      List<VolumeMount> mounts =
          Optional.ofNullable(node.container().getVolumeMounts()).orElse(List.of());
      for (VolumeMount mount : mounts) {
        if (!claims.contains(mount.getName()) && !volumes.contains(mount.getName())) {
          found.add(where + ": mount " + mount.getName() + " has no volume or claim template");
        }
      }
      for (Path dir : persistent) {
        boolean onClaim =
            mounts.stream()
                .anyMatch(
                    mt ->
                        claims.contains(mt.getName())
                            && dir.toAbsolutePath()
                                .normalize()
                                .startsWith(Path.of(mt.getMountPath())));
        if (!dir.isAbsolute() || !onClaim) {
          found.add(where + ": " + dir + " is not on a persistent volume");
        }
      }
      var security = node.container().getSecurityContext();
      if (security != null
          && Boolean.TRUE.equals(security.getReadOnlyRootFilesystem())
          && mounts.stream().noneMatch(mt -> mt.getMountPath().equals("/tmp"))) {
        found.add(
            where + ": read-only root without a writable /tmp (native libraries unpack there)");
      }
    }
    return found;
  }

  /**
   * Each serve pod advertises its stable DNS name under the StatefulSet's headless Service as its
   * Kafka Streams application.server, and that Service reaches it on the HTTP port.
   */
  List<String> applicationServer() {
    List<String> found = new ArrayList<>();
    StatefulSet set = node("serve").set();
    String serviceName = set.getSpec().getServiceName();
    Service headless;
    try {
      headless = m.named(Service.class, serviceName);
    } catch (RuntimeException e) {
      found.add("serve: serviceName " + serviceName + " is no Service");
      return found;
    }
    if (!"None".equals(headless.getSpec().getClusterIP())) {
      found.add("Service " + serviceName + " is not headless");
    }
    if (!Boolean.TRUE.equals(headless.getSpec().getPublishNotReadyAddresses())) {
      found.add(
          "Service "
              + serviceName
              + " hides not-ready pods: a rebalancing owner would not resolve");
    }
    Map<String, String> labels = set.getSpec().getTemplate().getMetadata().getLabels();
    if (!selects(headless.getSpec().getSelector(), labels)) {
      found.add("Service " + serviceName + " does not select the serve pods");
    }
    int replicas = Optional.ofNullable(set.getSpec().getReplicas()).orElse(1);
    for (int i = 0; i < replicas; i++) {
      Node pod =
          nodes(i).stream().filter(n -> n.command().equals("serve")).findFirst().orElseThrow();
      String expected =
          pod.podName(i)
              + "."
              + serviceName
              + "."
              + namespace
              + ".svc.cluster.local:"
              + pod.config().httpPort();
      String advertised =
          (String) StreamsSettings.of(pod.config()).get(StreamsConfig.APPLICATION_SERVER_CONFIG);
      if (!expected.equals(advertised)) {
        found.add(
            pod.podName(i)
                + ": application.server "
                + advertised
                + ", its DNS name is "
                + expected);
      }
      if (headless.getSpec().getPorts().stream()
          .noneMatch(p -> p.getPort() == pod.config().httpPort())) {
        found.add("Service " + serviceName + " has no port " + pod.config().httpPort());
      }
    }
    return found;
  }

  /** The client Service reaches the serve pods' HTTP port. */
  List<String> clientService() {
    List<String> found = new ArrayList<>();
    Node serve = node("serve");
    Map<String, String> labels = serve.set().getSpec().getTemplate().getMetadata().getLabels();
    List<Service> clients =
        m.all(Service.class).stream()
            .filter(
                s ->
                    !"None".equals(s.getSpec().getClusterIP())
                        && selects(s.getSpec().getSelector(), labels))
            .toList();
    if (clients.isEmpty()) {
      found.add("no client Service selects the serve pods");
    }
    for (Service s : clients) {
      for (ServicePort p : s.getSpec().getPorts()) {
        IntOrString target =
            p.getTargetPort() != null ? p.getTargetPort() : new IntOrString(p.getPort());
        if (!Objects.equals(containerPort(serve.container(), target), serve.config().httpPort())) {
          found.add(
              "Service "
                  + s.getMetadata().getName()
                  + " port "
                  + p.getPort()
                  + " does not reach the HTTP port");
        }
      }
    }
    return found;
  }

  /** Nodes go one at a time and have the time to stop cleanly. */
  List<String> disruption() {
    List<String> found = new ArrayList<>();
    Node serve = node("serve");
    Map<String, String> labels = serve.set().getSpec().getTemplate().getMetadata().getLabels();
    List<PodDisruptionBudget> budgets =
        m.all(PodDisruptionBudget.class).stream()
            .filter(b -> selects(b.getSpec().getSelector().getMatchLabels(), labels))
            .toList();
    if (budgets.size() != 1) {
      found.add("serve: " + budgets.size() + " PodDisruptionBudgets select it, expected 1");
    } else if (!new IntOrString(1).equals(budgets.get(0).getSpec().getMaxUnavailable())) {
      found.add(
          "serve: the PodDisruptionBudget must allow one node down at a time (maxUnavailable 1)");
    }
    for (Node node : nodes(0)) {
      var spec = node.set().getSpec().getTemplate().getSpec();
      long grace = Optional.ofNullable(spec.getTerminationGracePeriodSeconds()).orElse(30L);
      long preStop = 0;
      var lifecycle = node.container().getLifecycle();
      if (lifecycle != null
          && lifecycle.getPreStop() != null
          && lifecycle.getPreStop().getSleep() != null) {
        preStop = lifecycle.getPreStop().getSleep().getSeconds();
      }
      if (grace < STOP_SECONDS + preStop) {
        found.add(
            node.set().getMetadata().getName()
                + ": terminationGracePeriodSeconds "
                + grace
                + " < "
                + STOP_SECONDS
                + " s to stop + "
                + preStop
                + " s preStop");
      }
    }
    return found;
  }

  /** Every container asks for CPU and memory and has a memory limit. */
  List<String> resources() {
    List<String> found = new ArrayList<>();
    for (Node node : nodes(0)) {
      var r = node.container().getResources();
      Map<String, Quantity> requests =
          r == null || r.getRequests() == null ? Map.of() : r.getRequests();
      Map<String, Quantity> limits = r == null || r.getLimits() == null ? Map.of() : r.getLimits();
      if (!requests.containsKey("cpu")
          || !requests.containsKey("memory")
          || !limits.containsKey("memory")) {
        found.add(
            node.set().getMetadata().getName()
                + ": needs requests.cpu, requests.memory and limits.memory");
      }
    }
    return found;
  }

  /** No credential is written in the manifests: the projection's URL comes from a Secret. */
  List<String> secrets() {
    List<String> found = new ArrayList<>();
    for (Node node : nodes(0)) {
      for (EnvVar var : node.container().getEnv()) {
        if (var.getValue() != null
            && var.getValue().toLowerCase(Locale.ROOT).contains("password")) {
          found.add(
              node.set().getMetadata().getName() + ": " + var.getName() + " holds a password");
        }
        if (var.getName().equals(ConfigEnvironment.variable(AppConfig.PROJECTION_JDBC_URL))
            && (var.getValueFrom() == null || var.getValueFrom().getSecretKeyRef() == null)) {
          found.add(
              node.set().getMetadata().getName()
                  + ": "
                  + var.getName()
                  + " must come from a Secret");
        }
      }
    }
    return found;
  }

  /** The sizes the overlay promises. */
  List<String> sizes(Overlay overlay) {
    List<String> found = new ArrayList<>();
    StatefulSet serve = node("serve").set();
    expect(
        found,
        "serve replicas",
        overlay.nodes(),
        Optional.ofNullable(serve.getSpec().getReplicas()).orElse(1));
    expect(found, "brokers", overlay.brokers(), brokers());
    expect(
        found,
        "baton.replication.factor",
        overlay.replication(),
        (int) node("serve").config().replicationFactor());
    Map<String, Object> kafkaConfig = kafkaConfig();
    expect(
        found,
        "min.insync.replicas",
        overlay.minIsr(),
        number(kafkaConfig.get("min.insync.replicas")));
    expect(
        found,
        "default.replication.factor",
        overlay.replication(),
        number(kafkaConfig.get("default.replication.factor")));
    expect(
        found,
        "transaction.state.log.min.isr",
        overlay.minIsr(),
        number(kafkaConfig.get("transaction.state.log.min.isr")));
    for (GenericKubernetesResource t : m.strimzi("KafkaTopic")) {
      expect(
          found,
          t.getMetadata().getName() + " replicas",
          overlay.replication(),
          number(t.get("spec", "replicas")));
    }
    return found;
  }

  // ---- helpers ---------------------------------------------------------------------------------

  private GenericKubernetesResource kafka() {
    List<GenericKubernetesResource> clusters = m.strimzi("Kafka");
    if (clusters.size() != 1) {
      throw new IllegalStateException(clusters.size() + " Kafka clusters");
    }
    return clusters.get(0);
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> kafkaConfig() {
    Object config = kafka().get("spec", "kafka", "config");
    return config == null ? Map.of() : (Map<String, Object>) config;
  }

  /** Nodes with the broker role in the pools of the Kafka cluster. */
  private int brokers() {
    String cluster = kafka().getMetadata().getName();
    int brokers = 0;
    for (GenericKubernetesResource pool : m.strimzi("KafkaNodePool")) {
      List<?> roles = (List<?>) pool.get("spec", "roles");
      if (cluster.equals(pool.getMetadata().getLabels().get("strimzi.io/cluster"))
          && roles.contains("broker")) {
        brokers += number(pool.get("spec", "replicas"));
      }
    }
    return brokers;
  }

  private static Integer containerPort(Container c, IntOrString port) {
    if (port.getIntVal() != null) {
      return port.getIntVal();
    }
    return c.getPorts().stream()
        .filter(p -> port.getStrVal().equals(p.getName()))
        .map(ContainerPort::getContainerPort)
        .findFirst()
        .orElse(null);
  }

  private static boolean selects(Map<String, String> selector, Map<String, String> labels) {
    Predicate<Map.Entry<String, String>> matches = e -> e.getValue().equals(labels.get(e.getKey()));
    return selector != null
        && !selector.isEmpty()
        && selector.entrySet().stream().allMatch(matches);
  }

  private static int number(Object value) {
    if (value instanceof Number n) {
      return n.intValue();
    }
    return value == null ? -1 : Integer.parseInt(String.valueOf(value));
  }

  private static void expect(List<String> found, String what, Object expected, Object actual) {
    if (!Objects.equals(expected, actual)) {
      found.add(what + ": expected " + expected + ", is " + actual);
    }
  }
}
