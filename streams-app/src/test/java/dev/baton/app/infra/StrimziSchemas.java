package dev.baton.app.infra;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Checks Strimzi resources against the {@code openAPIV3Schema} of their CRDs (the released ones in
 * {@code src/test/resources/k8s/strimzi-crds}), the structural part the API server enforces on
 * apply: known fields, types, enums and required fields. {@code metadata} is the API server's own
 * and is left to the Kubernetes model.
 */
final class StrimziSchemas {
  private static final String[] CRDS = {
    "040-Crd-kafka.yaml", "043-Crd-kafkatopic.yaml", "045-Crd-kafkanodepool.yaml"
  };

  private final Map<String, JsonNode> schemas;

  private StrimziSchemas(Map<String, JsonNode> schemas) {
    this.schemas = schemas;
  }

  static StrimziSchemas load() {
    ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
    Map<String, JsonNode> schemas = new HashMap<>();
    for (String file : CRDS) {
      try (InputStream in = StrimziSchemas.class.getResourceAsStream("/k8s/strimzi-crds/" + file)) {
        JsonNode crd = yaml.readTree(in);
        String group = crd.path("spec").path("group").asText();
        String kind = crd.path("spec").path("names").path("kind").asText();
        for (JsonNode version : crd.path("spec").path("versions")) {
          schemas.put(
              group + "/" + version.path("name").asText() + "/" + kind,
              version.path("schema").path("openAPIV3Schema"));
        }
      } catch (IOException e) {
        throw new UncheckedIOException(file, e);
      }
    }
    return new StrimziSchemas(schemas);
  }

  /** What is wrong with {@code resource} by its CRD, or why it cannot be checked. */
  List<String> violations(JsonNode resource) {
    String id = resource.path("apiVersion").asText() + "/" + resource.path("kind").asText();
    JsonNode schema = schemas.get(id);
    List<String> found = new ArrayList<>();
    if (schema == null) {
      found.add("no CRD serves " + id);
      return found;
    }
    String name = resource.path("kind").asText() + "/" + resource.path("metadata").path("name");
    resource
        .fields()
        .forEachRemaining(
            e -> {
              if (e.getKey().equals("metadata")) {
                return;
              }
              JsonNode property = schema.path("properties").path(e.getKey());
              if (property.isMissingNode()) {
                found.add(name + "." + e.getKey() + ": unknown field");
              } else {
                check(e.getValue(), property, name + "." + e.getKey(), found);
              }
            });
    return found;
  }

  private static void check(JsonNode value, JsonNode schema, String path, List<String> found) {
    boolean open = schema.path("x-kubernetes-preserve-unknown-fields").asBoolean(false);
    if (open && !schema.has("properties")) {
      return;
    }
    if (schema.has("enum") && !contains(schema.path("enum"), value)) {
      found.add(path + ": " + value + " is not one of " + schema.path("enum"));
    }
    String type = schema.path("type").asText("");
    switch (type) {
      case "object" -> checkObject(value, schema, path, found, open);
      case "array" -> {
        if (!value.isArray()) {
          found.add(path + ": must be an array");
          return;
        }
        for (int i = 0; i < value.size(); i++) {
          check(value.get(i), schema.path("items"), path + "[" + i + "]", found);
        }
      }
      case "integer" -> {
        if (!value.isIntegralNumber()) {
          found.add(path + ": must be an integer, is " + value);
        }
      }
      case "number" -> {
        if (!value.isNumber()) {
          found.add(path + ": must be a number, is " + value);
        }
      }
      case "string" -> {
        if (!value.isTextual()) {
          found.add(path + ": must be a string, is " + value);
        }
      }
      case "boolean" -> {
        if (!value.isBoolean()) {
          found.add(path + ": must be a boolean, is " + value);
        }
      }
      default -> {
        if (schema.has("properties")) {
          checkObject(value, schema, path, found, open);
        }
      }
    }
  }

  private static void checkObject(
      JsonNode value, JsonNode schema, String path, List<String> found, boolean open) {
    if (!value.isObject()) {
      found.add(path + ": must be an object");
      return;
    }
    for (JsonNode required : schema.path("required")) {
      if (!value.has(required.asText())) {
        found.add(path + ": " + required.asText() + " is required");
      }
    }
    JsonNode properties = schema.path("properties");
    JsonNode additional = schema.path("additionalProperties");
    value
        .fields()
        .forEachRemaining(
            e -> {
              JsonNode property = properties.path(e.getKey());
              if (!property.isMissingNode()) {
                check(e.getValue(), property, path + "." + e.getKey(), found);
              } else if (additional.isObject()) {
                check(e.getValue(), additional, path + "." + e.getKey(), found);
              } else if (!open && !additional.asBoolean(false) && properties.size() > 0) {
                found.add(path + "." + e.getKey() + ": unknown field");
              }
            });
  }

  private static boolean contains(JsonNode options, JsonNode value) {
    for (JsonNode option : options) {
      if (option.equals(value)) {
        return true;
      }
    }
    return false;
  }
}
