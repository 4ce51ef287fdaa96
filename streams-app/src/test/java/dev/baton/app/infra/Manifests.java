package dev.baton.app.infra;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * The documents of one rendered overlay ({@code kubectl kustomize}), each loaded into the fabric8
 * Kubernetes model: the built-in kinds as their typed classes, Strimzi's as {@link
 * GenericKubernetesResource} (checked against their CRDs by {@link StrimziSchemas}). A kind not
 * listed here is refused, so a new kind gets checks before it ships.
 */
record Manifests(List<JsonNode> documents, List<HasMetadata> objects) {
  static final String STRIMZI_API = "kafka.strimzi.io/v1";

  private static final ObjectMapper YAML =
      new ObjectMapper(new YAMLFactory())
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  private static final Map<String, Class<? extends HasMetadata>> TYPED =
      Map.of(
          "v1/Service", Service.class,
          "apps/v1/StatefulSet", StatefulSet.class,
          "policy/v1/PodDisruptionBudget", PodDisruptionBudget.class);

  private static final List<String> STRIMZI_KINDS = List.of("Kafka", "KafkaNodePool", "KafkaTopic");

  static Manifests parse(String yaml) {
    List<JsonNode> docs = new ArrayList<>();
    List<HasMetadata> objects = new ArrayList<>();
    try (var it = YAML.readerFor(JsonNode.class).<JsonNode>readValues(yaml)) {
      while (it.hasNext()) {
        JsonNode doc = it.next();
        if (doc == null || doc.isNull() || doc.isEmpty()) {
          continue;
        }
        docs.add(doc);
        objects.add(load(doc));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new Manifests(List.copyOf(docs), List.copyOf(objects));
  }

  private static HasMetadata load(JsonNode doc) throws IOException {
    String apiVersion = doc.path("apiVersion").asText();
    String kind = doc.path("kind").asText();
    Class<? extends HasMetadata> type = TYPED.get(apiVersion + "/" + kind);
    if (type != null) {
      return YAML.treeToValue(doc, type);
    }
    if (apiVersion.equals(STRIMZI_API) && STRIMZI_KINDS.contains(kind)) {
      return YAML.treeToValue(doc, GenericKubernetesResource.class);
    }
    throw new IllegalArgumentException(
        "no checks for "
            + apiVersion
            + " "
            + kind
            + " ("
            + doc.path("metadata").path("name")
            + ")");
  }

  /** A copy to break on purpose: every object loaded again from its document. */
  Manifests copy() {
    List<HasMetadata> fresh = new ArrayList<>();
    for (JsonNode doc : documents) {
      try {
        fresh.add(load(doc));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return new Manifests(documents, fresh);
  }

  <T extends HasMetadata> List<T> all(Class<T> type) {
    return objects.stream().filter(type::isInstance).map(type::cast).toList();
  }

  List<GenericKubernetesResource> strimzi(String kind) {
    return all(GenericKubernetesResource.class).stream()
        .filter(r -> r.getKind().equals(kind))
        .toList();
  }

  <T extends HasMetadata> T named(Class<T> type, String name) {
    return all(type).stream()
        .filter(o -> o.getMetadata().getName().equals(name))
        .findFirst()
        .orElseThrow(() -> new NoSuchElementException(type.getSimpleName() + " " + name));
  }

  /**
   * Fields the model did not know, by path: typos such as {@code readinesProbe}, which the API
   * server would drop or refuse. Strimzi resources are checked against their CRDs instead.
   */
  List<String> unknownFields() {
    List<String> found = new ArrayList<>();
    for (HasMetadata o : objects) {
      if (!(o instanceof GenericKubernetesResource)) {
        collectUnknown(o, o.getKind() + "/" + o.getMetadata().getName(), found);
      }
    }
    return found;
  }

  private static void collectUnknown(Object value, String path, List<String> found) {
    if (value instanceof List<?> list) {
      for (int i = 0; i < list.size(); i++) {
        collectUnknown(list.get(i), path + "[" + i + "]", found);
      }
      return;
    }
    if (value instanceof Map<?, ?> map) {
      map.forEach((k, v) -> collectUnknown(v, path + "." + k, found));
      return;
    }
    if (value == null || !value.getClass().getName().startsWith("io.fabric8.")) {
      return;
    }
    for (Method getter : value.getClass().getMethods()) {
      if (getter.getParameterCount() != 0
          || Modifier.isStatic(getter.getModifiers())
          || !getter.getName().startsWith("get")
          || getter.getDeclaringClass() == Object.class) {
        continue;
      }
      Object child;
      try {
        child = getter.invoke(value);
      } catch (IllegalAccessException | InvocationTargetException e) {
        throw new IllegalStateException(getter.toString(), e);
      }
      if (getter.getName().equals("getAdditionalProperties")) {
        if (child instanceof Map<?, ?> extra && !extra.isEmpty()) {
          extra.keySet().forEach(k -> found.add(path + "." + k));
        }
        continue;
      }
      String field = getter.getName().substring(3);
      collectUnknown(
          child, path + "." + Character.toLowerCase(field.charAt(0)) + field.substring(1), found);
    }
  }
}
