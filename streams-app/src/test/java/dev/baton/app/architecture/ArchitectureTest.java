package dev.baton.app.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.nio.file.CopyOption;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Keeps the module and package boundaries the folder tree promises. */
class ArchitectureTest {
  private static JavaClasses classes;

  @BeforeAll
  static void importClasses() {
    classes =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.baton");
  }

  @Test
  void shouldNotReachIntoTheSdkInternals() {
    noClasses()
        .that()
        .resideInAPackage("dev.baton.app..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("dev.baton.sdk.internal..")
        .check(classes);
  }

  @Test
  void shouldKeepTheSdkFreeOfTheService() {
    noClasses()
        .that()
        .resideInAPackage("dev.baton.sdk..")
        .should()
        .dependOnClassesThat()
        .resideInAPackage("dev.baton.app..")
        .check(classes);
  }

  @Test
  void shouldNeverWriteStoresFromHttpOrCli() {
    noClasses()
        .that()
        .resideInAnyPackage("dev.baton.app.http..", "dev.baton.app.cli..", "dev.baton.app.agent..")
        .should()
        .dependOnClassesThat()
        .haveFullyQualifiedName("org.apache.kafka.streams.state.KeyValueStore")
        .orShould()
        .dependOnClassesThat()
        .resideInAPackage("dev.baton.app.processor..")
        .check(classes);
  }

  /**
   * Decide, then apply: handlers read the read-only views of {@code state.immutable}; only the
   * appliers change state, through {@code state.mutable}.
   */
  @Test
  void shouldLetOnlyTheAppliersUseTheMutableState() {
    classes()
        .that()
        .resideInAPackage("dev.baton.app.state.mutable..")
        .should()
        .onlyHaveDependentClassesThat()
        .resideInAnyPackage("dev.baton.app.state.mutable..", "dev.baton.app.state.appliers..")
        .check(classes);
  }

  /** The read-only views hand out nothing that writes. */
  @Test
  void shouldKeepTheReadOnlyStateFreeOfWrites() {
    noClasses()
        .that()
        .resideInAPackage("dev.baton.app.state.immutable..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("dev.baton.app.state.mutable..", "dev.baton.app.state.appliers..")
        .orShould()
        .dependOnClassesThat()
        .haveFullyQualifiedName("org.apache.kafka.streams.state.KeyValueStore")
        .check(classes);
  }

  /** Handlers never hold a writable store: the processor package writes only outcomes it owns. */
  @Test
  void shouldKeepHandlersAwayFromWritableStores() {
    noClasses()
        .that()
        .resideInAPackage("dev.baton.app.processor..")
        .and()
        .doNotHaveSimpleName("CommandProcessor")
        .should()
        .dependOnClassesThat()
        .haveFullyQualifiedName("org.apache.kafka.streams.state.KeyValueStore")
        .check(classes);
  }

  @Test
  void shouldKeepTheTopologyIndependentOfItsSurroundings() {
    noClasses()
        .that()
        .resideInAnyPackage(
            "dev.baton.app.topology..", "dev.baton.app.processor..", "dev.baton.app.state..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.baton.app.http..",
            "dev.baton.app.cli..",
            "dev.baton.app.sink..",
            "dev.baton.app.runtime..",
            "dev.baton.app.bench..",
            "dev.baton.app.agent..")
        .check(classes);
  }

  /**
   * The client verbs and {@code baton mcp} start a JVM per call: their classes must not pull in
   * Kafka, Streams, the MCP server or the web server (the lean start path, docs/operations.md).
   */
  @Test
  void shouldKeepTheClientStartPathLean() {
    noClasses()
        .that()
        .resideInAnyPackage("dev.baton.app.cli.client..", "dev.baton.app.agent.bridge..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "org.apache.kafka..",
            "io.modelcontextprotocol..",
            "io.javalin..",
            "org.eclipse.jetty..")
        .check(classes);
  }

  /** Files are replaced only through the one durable writer (temp, fsync, rename, dir fsync). */
  @Test
  void shouldReplaceFilesOnlyThroughTheDurableWriter() {
    noClasses()
        .that()
        .resideOutsideOfPackage("dev.baton.app.io..")
        .should()
        .callMethod(Files.class, "move", Path.class, Path.class, CopyOption[].class)
        .check(classes);
  }

  /** The file and time helpers every part uses depend on no part of the service. */
  @Test
  void shouldKeepTheIoHelpersFreeOfTheService() {
    noClasses()
        .that()
        .resideInAPackage("dev.baton.app.io..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.baton.app.sink..",
            "dev.baton.app.http..",
            "dev.baton.app.cli..",
            "dev.baton.app.runtime..",
            "dev.baton.app.processor..",
            "dev.baton.app.topology..")
        .check(classes);
  }

  /**
   * The metrics facade is handed to every part (processor, gateway, sinks), so it may depend on
   * none of them: a part records into it, never the other way round.
   */
  @Test
  void shouldKeepTheMetricsALeafThatEveryPartMayRecordInto() {
    noClasses()
        .that()
        .resideInAPackage("dev.baton.app.metrics..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.baton.app.cli..",
            "dev.baton.app.runtime..",
            "dev.baton.app.http..",
            "dev.baton.app.sink..",
            "dev.baton.app.agent..",
            "dev.baton.app.topology..",
            "dev.baton.app.processor..",
            "dev.baton.app.state..")
        .check(classes);
  }

  @Test
  void shouldKeepTheConfigALeafThatEveryPartMayRead() {
    // Config (keys, their environment variables) is read by every part, so it may read none:
    // the CLI, the runtime and the sinks build on it, never the other way round.
    noClasses()
        .that()
        .resideInAPackage("dev.baton.app.config..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "dev.baton.app.cli..",
            "dev.baton.app.runtime..",
            "dev.baton.app.http..",
            "dev.baton.app.sink..",
            "dev.baton.app.topology..",
            "dev.baton.app.processor..",
            "dev.baton.app.state..",
            "dev.baton.app.bench..")
        .check(classes);
  }
}
