package dev.baton.app.infra;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.baton.app.cli.BatonCli;
import dev.baton.sdk.protocol.Topics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The Kubernetes manifests in {@code infra/k8s} parse, name what they are, create the topics the
 * service uses, and start containers with arguments the CLI accepts (so a renamed option cannot
 * silently break a deployment).
 */
class KubernetesManifestsTest {
  private static final Path K8S = Path.of("..", "infra", "k8s");

  private static List<JsonNode> documents() throws IOException {
    ObjectReader reader = new ObjectMapper(new YAMLFactory()).readerFor(JsonNode.class);
    List<JsonNode> docs = new ArrayList<>();
    try (Stream<Path> files = Files.list(K8S)) {
      for (Path file : files.filter(f -> f.toString().endsWith(".yaml")).sorted().toList()) {
        try (var it = reader.readValues(file.toFile())) {
          while (it.hasNext()) {
            docs.add((JsonNode) it.next());
          }
        }
      }
    }
    return docs;
  }

  @Test
  void shouldNameKindAndMetadataInEveryDocument() throws IOException {
    List<JsonNode> docs = documents();

    assertThat(docs).hasSizeGreaterThanOrEqualTo(8);
    for (JsonNode doc : docs) {
      assertThat(doc.path("apiVersion").asText()).isNotEmpty();
      assertThat(doc.path("kind").asText()).isNotEmpty();
      assertThat(doc.path("metadata").path("name").asText()).isNotEmpty();
    }
  }

  @Test
  void shouldDeclareTheTopicsTheServiceUses() throws IOException {
    List<String> topics =
        documents().stream()
            .filter(d -> d.path("kind").asText().equals("KafkaTopic"))
            .map(d -> d.path("metadata").path("name").asText())
            .toList();

    assertThat(topics)
        .containsExactlyInAnyOrder(
            Topics.DEFAULT.commands(), Topics.DEFAULT.outcomes(), Topics.DEFAULT.events());
  }

  @Test
  void shouldStartContainersWithArgumentsTheCliAccepts() throws IOException {
    List<JsonNode> containers =
        documents().stream()
            .filter(d -> d.path("kind").asText().equals("StatefulSet"))
            .flatMap(d -> iterate(d.path("spec").path("template").path("spec").path("containers")))
            .toList();

    assertThat(containers).hasSize(2);
    for (JsonNode container : containers) {
      List<String> args = iterate(container.path("args")).map(JsonNode::asText).toList();
      CommandLine.ParseResult parsed =
          BatonCli.commandLine().parseArgs(args.toArray(String[]::new));
      assertThat(parsed.hasSubcommand()).as("args %s", args).isTrue();
    }
  }

  private static Stream<JsonNode> iterate(JsonNode array) {
    List<JsonNode> out = new ArrayList<>();
    array.forEach(out::add);
    return out.stream();
  }
}
