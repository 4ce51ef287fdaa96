package dev.baton.app.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.baton.app.infra.ManifestChecks.Overlay;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * {@code kubectl kustomize} renders each overlay, and the render is the copy {@link
 * KubernetesManifestsTest} checks ({@code src/test/resources/k8s/<overlay>.yaml}), so the checks
 * always see what an operator would apply. Skipped where kubectl is not installed (the checks then
 * run on the committed copies alone). After changing {@code infra/k8s}, refresh the copies from the
 * repository root with {@code kubectl kustomize infra/k8s/overlays/dev >
 * streams-app/src/test/resources/k8s/dev.yaml} (and the same for prod).
 */
class KustomizeRenderTest {
  private static final Path OVERLAYS = Path.of("..", "infra", "k8s", "overlays");

  static List<Overlay> overlays() {
    return List.of(KubernetesManifestsTest.DEV, KubernetesManifestsTest.PROD);
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void shouldRenderEachOverlayAsTheCheckedCopy(Overlay overlay) throws Exception {
    assumeTrue(kubectlAvailable(), "kubectl is not installed");

    String rendered = kustomize(OVERLAYS.resolve(overlay.name()));

    String copy =
        Files.readString(KubernetesManifestsTest.RENDERED.resolve(overlay.name() + ".yaml"));
    assertThat(rendered)
        .as(
            "the render of overlays/%s differs from src/test/resources/k8s/%s.yaml: refresh it"
                + " with kubectl kustomize infra/k8s/overlays/%s >"
                + " streams-app/src/test/resources/k8s/%s.yaml",
            overlay.name(), overlay.name(), overlay.name(), overlay.name())
        .isEqualTo(copy);
  }

  static boolean kubectlAvailable() {
    try {
      Process p =
          new ProcessBuilder("kubectl", "version", "--client").redirectErrorStream(true).start();
      p.getInputStream().readAllBytes();
      return p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  private static String kustomize(Path overlay) throws IOException, InterruptedException {
    Path err = Files.createTempFile("kustomize", ".err");
    try {
      Process p =
          new ProcessBuilder("kubectl", "kustomize", overlay.toString())
              .redirectError(err.toFile())
              .start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      assertThat(p.waitFor(120, TimeUnit.SECONDS)).as("kubectl kustomize finished").isTrue();
      assertThat(p.exitValue())
          .as("kubectl kustomize %s: %s", overlay, Files.readString(err))
          .isZero();
      return out;
    } finally {
      Files.deleteIfExists(err);
    }
  }
}
