package dev.baton.app.infra;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.EnvVarSource;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The environment a container of a pod sees, worked out as the kubelet does: variables in order,
 * {@code $(NAME)} replaced by an earlier variable's value (left as written if there is none; {@code
 * $$} escapes), downward-API fields from the pod's name and namespace. A Secret's value is unknown
 * here and stands as {@code <secret name/key>}.
 */
record PodEnvironment(Map<String, String> values, List<String> problems) {
  private static final Pattern REFERENCE =
      Pattern.compile("\\$\\$|\\$\\(([A-Za-z_][A-Za-z0-9_]*)\\)");

  static PodEnvironment of(Container container, String podName, String namespace) {
    Map<String, String> values = new LinkedHashMap<>();
    List<String> problems = new ArrayList<>();
    if (container.getEnvFrom() != null && !container.getEnvFrom().isEmpty()) {
      problems.add(container.getName() + ": envFrom is not supported by these checks");
    }
    for (EnvVar var : container.getEnv()) {
      String name = var.getName();
      if (values.containsKey(name)) {
        problems.add(container.getName() + ": " + name + " is set twice");
      }
      if (var.getValueFrom() != null) {
        values.put(name, fromSource(var.getValueFrom(), podName, namespace, problems, name));
      } else {
        values.put(
            name, expand(var.getValue() == null ? "" : var.getValue(), values, problems, name));
      }
    }
    return new PodEnvironment(values, problems);
  }

  private static String fromSource(
      EnvVarSource source, String podName, String namespace, List<String> problems, String name) {
    if (source.getFieldRef() != null) {
      String path = source.getFieldRef().getFieldPath();
      return switch (path) {
        case "metadata.name" -> podName;
        case "metadata.namespace" -> namespace;
        default -> {
          problems.add(name + ": downward API field " + path + " is not modelled");
          yield "";
        }
      };
    }
    if (source.getSecretKeyRef() != null) {
      return "<secret "
          + source.getSecretKeyRef().getName()
          + "/"
          + source.getSecretKeyRef().getKey()
          + ">";
    }
    problems.add(name + ": value source " + source + " is not modelled");
    return "";
  }

  private static String expand(
      String value, Map<String, String> earlier, List<String> problems, String name) {
    Matcher m = REFERENCE.matcher(value);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String replacement;
      if (m.group(1) == null) {
        replacement = "$";
      } else if (earlier.containsKey(m.group(1))) {
        replacement = earlier.get(m.group(1));
      } else {
        // The kubelet leaves it as written: the app would get a literal $(NAME).
        problems.add(name + ": $(" + m.group(1) + ") refers to no variable defined before it");
        replacement = m.group();
      }
      m.appendReplacement(out, Matcher.quoteReplacement(replacement));
    }
    m.appendTail(out);
    return out.toString();
  }
}
