package dev.baton.app.bench;

import java.util.List;
import java.util.Optional;

/** The scenarios of {@code baton bench}, in the order {@code bench all} runs them. */
public final class Scenarios {
  private Scenarios() {}

  public static List<Scenario> all() {
    return List.of(
        new ProduceScenario(),
        new E2eScenario(),
        new ContentionScenario(),
        new ExportScenario(),
        new RecoverScenario(),
        new ReadScenario(),
        new CheckpointScenario(),
        new HooksScenario(),
        new EventsScenario(),
        new FairnessScenario());
  }

  public static List<String> names() {
    return all().stream().map(Scenario::name).toList();
  }

  public static Optional<Scenario> named(String name) {
    return all().stream().filter(s -> s.name().equals(name)).findFirst();
  }
}
