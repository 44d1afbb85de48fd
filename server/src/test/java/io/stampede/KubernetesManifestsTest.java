package io.stampede;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.ConfigMapBuilder;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EnvFromSource;
import io.fabric8.kubernetes.api.model.EnvVar;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HTTPGetAction;
import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.KubernetesResource;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Probe;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.SecretKeySelector;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServicePort;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.autoscaling.v2.CrossVersionObjectReference;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscaler;
import io.fabric8.kubernetes.api.model.autoscaling.v2.HorizontalPodAutoscalerSpec;
import io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget;
import io.fabric8.kubernetes.client.utils.KubernetesSerialization;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.assertj.core.api.InstanceOfAssertFactories;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/**
 * The Kubernetes manifests of {@code deploy/kubernetes}, read into fabric8's typed model (no cluster, no Spring): the
 * kinds are all there and nothing in them is a field Kubernetes does not know; the Deployment probes the actuator on
 * its HTTP port and has time for its graceful shutdown; the Service, autoscaler and disruption budget find its pods;
 * every environment variable set is one the README's "Configuration" table documents (only {@link
 * #NOT_STAMPEDE_VARIABLES} besides); every secret comes from {@value #SECRET}, which is not shipped.
 */
class KubernetesManifestsTest {
    /** The tests run in {@code server/}. */
    private static final Path MANIFESTS = Path.of("../deploy/kubernetes");

    private static final Path README = Path.of("../README.md");

    /** Variables of the JVM or the platform, not Stampede's: the only ones the README's table need not list. */
    static final Set<String> NOT_STAMPEDE_VARIABLES = Set.of("JAVA_TOOL_OPTIONS");

    /** The Secret every secret value comes from; created by hand (see the top of deployment.yaml). */
    private static final String SECRET = "stampede-secrets";

    /** The variables that hold secrets: never in the ConfigMap, always from {@link #SECRET}. */
    private static final Set<String> SECRET_VARIABLES = Set.of(
            "STAMPEDE_ADMIN_TOKEN",
            "STAMPEDE_JWT_SECRET",
            "STAMPEDE_PAYMENT_SECRET",
            "SPRING_DATASOURCE_PASSWORD",
            "SPRING_RABBITMQ_PASSWORD");

    /** Spring's default of spring.lifecycle.timeout-per-shutdown-phase, which application.yml keeps. */
    private static final long GRACEFUL_SHUTDOWN_SECONDS = 30;

    private static final Pattern VARIABLE = Pattern.compile("`(_?[A-Z0-9]+(?:_[A-Z0-9]+)*)`");
    private static final Pattern UNDERSCORE = Pattern.compile("_");

    /** Knows every kind of fabric8's model; built once, it takes a moment. */
    private static final KubernetesSerialization SERIALIZATION = new KubernetesSerialization();

    /** The manifests, read by the first test that needs them (a file that does not parse fails each test). */
    private static @Nullable List<Document> documents;

    /** One YAML document of a manifest file, as fabric8 reads it. */
    record Document(String file, Object resource) {}

    @Test
    void everyKindIsThereAndTyped() {
        assertThat(documents()).isNotEmpty();
        List<Class<?>> types =
                documents().stream().<Class<?>>map(d -> d.resource().getClass()).toList();
        assertThat(types)
                .containsExactlyInAnyOrder(
                        ConfigMap.class,
                        Deployment.class,
                        Service.class,
                        HorizontalPodAutoscaler.class,
                        PodDisruptionBudget.class,
                        GenericKubernetesResource.class); // kustomization.yaml
        assertThat(all(Secret.class))
                .as("secrets are created by hand, never shipped")
                .isEmpty();

        GenericKubernetesResource kustomization = one(GenericKubernetesResource.class);
        assertThat(kustomization.getKind()).isEqualTo("Kustomization");
        Set<String> manifests = new LinkedHashSet<>();
        for (Document document : documents()) {
            if (!(document.resource() instanceof GenericKubernetesResource)) {
                manifests.add(document.file());
            }
        }
        assertThat(kustomization.getAdditionalProperties().get("resources"))
                .as("kustomization.yaml lists every manifest")
                .asInstanceOf(InstanceOfAssertFactories.LIST)
                .containsExactlyInAnyOrderElementsOf(manifests);
    }

    @Test
    void noManifestHasAFieldKubernetesDoesNotKnow() {
        Map<String, Object> unknown = new TreeMap<>();
        for (Document document : documents()) {
            if (!(document.resource() instanceof GenericKubernetesResource)) {
                unknownFields(document.resource(), document.file(), unknown);
            }
        }
        assertThat(unknown)
                .as("misspelt or misplaced fields (or values of the wrong type)")
                .isEmpty();
    }

    @Test
    void theDeploymentProbesTheActuatorOnItsHttpPort() {
        Container container = theContainer();
        assertThat(container.getPorts()).anySatisfy(port -> {
            assertThat(port.getName()).isEqualTo("http");
            assertThat(port.getContainerPort()).isEqualTo(serverPort());
        });

        Probe readiness = container.getReadinessProbe();
        assertThat(readiness).as("readiness probe").isNotNull();
        assertThat(readiness.getHttpGet().getPath()).isEqualTo("/actuator/health/readiness");
        assertThat(portNumber(readiness.getHttpGet(), container)).isEqualTo(serverPort());

        Probe liveness = container.getLivenessProbe();
        assertThat(liveness).as("liveness probe").isNotNull();
        assertThat(liveness.getHttpGet().getPath()).isEqualTo("/actuator/health/liveness");
        assertThat(portNumber(liveness.getHttpGet(), container)).isEqualTo(serverPort());

        Probe startup = container.getStartupProbe();
        assertThat(startup).as("startup probe").isNotNull();
        assertThat(startup.getHttpGet().getPath()).isEqualTo("/actuator/health/liveness");
        assertThat(portNumber(startup.getHttpGet(), container)).isEqualTo(serverPort());
        assertThat(startup.getPeriodSeconds() * startup.getFailureThreshold())
                .as("seconds a start may take (migrations, the gates' warm-up)")
                .isBetween(90, 300);
    }

    @Test
    void theDeploymentGivesTheGracefulShutdownItsTime() {
        PodSpec pod = theDeployment().getSpec().getTemplate().getSpec();
        Container container = theContainer();
        assertThat(container.getLifecycle()).isNotNull();
        assertThat(container.getLifecycle().getPreStop()).isNotNull();
        assertThat(container.getLifecycle().getPreStop().getSleep())
                .as("a pause before SIGTERM, while the Service stops routing to the pod")
                .isNotNull();
        long pause = container.getLifecycle().getPreStop().getSleep().getSeconds();
        assertThat(pause).isBetween(1L, 15L);
        assertThat(pod.getTerminationGracePeriodSeconds())
                .as("the pause, then the graceful shutdown")
                .isGreaterThanOrEqualTo(pause + GRACEFUL_SHUTDOWN_SECONDS);
    }

    @Test
    void theDeploymentIsSizedAndSpread() {
        Deployment deployment = theDeployment();
        assertThat(deployment.getSpec().getReplicas()).isEqualTo(3);
        Container container = theContainer();
        for (String resource : List.of("cpu", "memory")) {
            Map<String, Quantity> requests = container.getResources().getRequests();
            Map<String, Quantity> limits = container.getResources().getLimits();
            assertThat(requests).as("requests").containsKey(resource);
            assertThat(limits).as("limits").containsKey(resource);
            assertThat(Quantity.getAmountInBytes(limits.get(resource)))
                    .isGreaterThanOrEqualTo(Quantity.getAmountInBytes(requests.get(resource)));
        }
        assertThat(container.getEnv())
                .filteredOn(env -> env.getName().equals("JAVA_TOOL_OPTIONS"))
                .singleElement()
                .satisfies(env -> assertThat(env.getValue()).contains("-XX:MaxRAMPercentage=75"));
        assertThat(deployment
                        .getSpec()
                        .getTemplate()
                        .getSpec()
                        .getAffinity()
                        .getPodAntiAffinity()
                        .getPreferredDuringSchedulingIgnoredDuringExecution())
                .as("instances preferably on different nodes")
                .anySatisfy(term -> {
                    assertThat(term.getPodAffinityTerm().getTopologyKey()).isEqualTo("kubernetes.io/hostname");
                    assertThat(podLabels())
                            .containsAllEntriesOf(
                                    term.getPodAffinityTerm().getLabelSelector().getMatchLabels());
                });
    }

    @Test
    void theServiceTheAutoscalerAndTheBudgetFindTheDeploymentsPods() {
        Deployment deployment = theDeployment();
        Map<String, String> selector = deployment.getSpec().getSelector().getMatchLabels();
        assertThat(selector).isNotEmpty();
        assertThat(deployment.getSpec().getSelector().getMatchExpressions()).isNullOrEmpty();
        assertThat(podLabels()).containsAllEntriesOf(selector);

        Service service = one(Service.class);
        assertThat(service.getSpec().getType()).isEqualTo("ClusterIP");
        assertThat(service.getSpec().getSelector()).isEqualTo(selector);
        assertThat(service.getSpec().getPorts()).singleElement().satisfies(port -> {
            assertThat(port.getPort()).isEqualTo(80);
            assertThat(targetPortNumber(port, theContainer())).isEqualTo(serverPort());
        });

        HorizontalPodAutoscaler autoscaler = one(HorizontalPodAutoscaler.class);
        assertThat(autoscaler.getApiVersion()).isEqualTo("autoscaling/v2");
        HorizontalPodAutoscalerSpec scaling = autoscaler.getSpec();
        CrossVersionObjectReference target = scaling.getScaleTargetRef();
        assertThat(target.getApiVersion()).isEqualTo("apps/v1");
        assertThat(target.getKind()).isEqualTo("Deployment");
        assertThat(target.getName()).isEqualTo(deployment.getMetadata().getName());
        assertThat(scaling.getMinReplicas()).isEqualTo(3);
        assertThat(scaling.getMaxReplicas()).isEqualTo(12);
        assertThat(scaling.getMetrics()).singleElement().satisfies(metric -> {
            assertThat(metric.getResource().getName()).isEqualTo("cpu");
            assertThat(metric.getResource().getTarget().getAverageUtilization()).isBetween(50, 70);
        });
        assertThat(scaling.getBehavior().getScaleDown().getStabilizationWindowSeconds())
                .isPositive();

        PodDisruptionBudget budget = one(PodDisruptionBudget.class);
        assertThat(budget.getApiVersion()).isEqualTo("policy/v1");
        assertThat(budget.getSpec().getSelector().getMatchLabels()).isEqualTo(selector);
        assertThat(budget.getSpec().getMaxUnavailable()).isEqualTo(new IntOrString(1));
    }

    @Test
    void everyVariableSetIsInTheReadmesConfigurationTable() {
        for (Container container : containers()) {
            for (EnvFromSource source : nullToEmpty(container.getEnvFrom())) {
                assertThat(source.getSecretRef())
                        .as("secrets one by one (secretKeyRef), so that their names are checked")
                        .isNull();
                assertThat(source.getPrefix()).isNull();
                assertThat(source.getConfigMapRef()).isNotNull();
                assertThat(all(ConfigMap.class))
                        .as("envFrom takes a ConfigMap shipped here, whose keys are checked")
                        .anySatisfy(map -> assertThat(map.getMetadata().getName())
                                .isEqualTo(source.getConfigMapRef().getName()));
            }
        }
        List<String> set = variablesSet(resources());
        assertThat(set).contains("SPRING_DATASOURCE_URL", "SPRING_DATA_REDIS_CLUSTER_NODES", "SPRING_RABBITMQ_HOST");
        assertThat(undocumented(set, documentedVariables(readme())))
                .as("variables set in deploy/kubernetes that the README's Configuration table does not list")
                .isEmpty();
    }

    @Test
    void aVariableTheReadmeDoesNotListIsReported() {
        ConfigMap madeUp = new ConfigMapBuilder()
                .withNewMetadata()
                .withName("made-up")
                .endMetadata()
                .addToData("SPRING_DATASOURCE_URL", "jdbc:postgresql://db:5432/stampede")
                .addToData("STAMPEDE_MADE_UP_SETTING", "1")
                .addToData("STAMPEDE_GROUP_WRITERS", "2") // the table's `_WRITERS` belongs to STAMPEDE_GROUP_COMMIT_
                .build();
        assertThat(undocumented(variablesSet(List.of(madeUp)), documentedVariables(readme())))
                .containsExactly("STAMPEDE_GROUP_WRITERS", "STAMPEDE_MADE_UP_SETTING");
        assertThat(undocumented(List.of("JAVA_TOOL_OPTIONS", "JAVA_OPTS"), documentedVariables(readme())))
                .as("only the listed JVM variable is let through")
                .containsExactly("JAVA_OPTS");
    }

    @Test
    void readsTheAbbreviatedNamesOfTheConfigurationTable() {
        assertThat(documentedVariables(readme()))
                .contains(
                        "SERVER_PORT",
                        "SPRING_DATASOURCE_PASSWORD",
                        "SPRING_RABBITMQ_HOST",
                        "SPRING_RABBITMQ_PORT",
                        "SPRING_RABBITMQ_USERNAME",
                        "SPRING_RABBITMQ_PASSWORD",
                        "STAMPEDE_ADMISSION_PER_USER_PER_SECOND",
                        "STAMPEDE_ADMISSION_GLOBAL_PER_SECOND",
                        "STAMPEDE_ADMISSION_MAX_QUEUED",
                        "STAMPEDE_ADMISSION_QUEUE_TIMEOUT",
                        "STAMPEDE_STRATEGIES_LOCK_WAIT",
                        "STAMPEDE_STRATEGIES_SEGMENTS",
                        "STAMPEDE_INTAKE_CONFIRM_TIMEOUT",
                        "STAMPEDE_INTAKE_REPAIR_AFTER",
                        "STAMPEDE_GROUP_COMMIT_WRITERS",
                        "STAMPEDE_GROUP_COMMIT_TIMEOUT",
                        "STAMPEDE_EXPIRY_INTERVAL")
                .doesNotContain(
                        "STAMPEDE_ADMISSION_PER_GLOBAL_PER_SECOND",
                        "STAMPEDE_ADMISSION_MAX_MAX_QUEUED",
                        "STAMPEDE_GROUP_WRITERS")
                .allSatisfy(name -> assertThat(name).doesNotStartWith("_"));
    }

    @Test
    void everySecretComesFromTheSecretThatIsNotShipped() {
        List<String> fromSecrets = new ArrayList<>();
        for (Container container : containers()) {
            for (EnvVar env : nullToEmpty(container.getEnv())) {
                if (env.getValueFrom() != null && env.getValueFrom().getSecretKeyRef() != null) {
                    SecretKeySelector ref = env.getValueFrom().getSecretKeyRef();
                    assertThat(ref.getName()).as(env.getName()).isEqualTo(SECRET);
                    assertThat(ref.getKey()).as(env.getName()).isNotBlank();
                    assertThat(ref.getOptional()).as(env.getName()).isNotEqualTo(true);
                    fromSecrets.add(env.getName());
                } else {
                    assertThat(SECRET_VARIABLES)
                            .as("a secret given in plain text")
                            .doesNotContain(env.getName());
                }
            }
        }
        assertThat(fromSecrets).containsExactlyInAnyOrderElementsOf(SECRET_VARIABLES);
        for (ConfigMap map : all(ConfigMap.class)) {
            assertThat(map.getData().keySet()).doesNotContainAnyElementsOf(SECRET_VARIABLES);
        }
        for (PodSpec pod : podSpecs()) {
            assertThat(nullToEmpty(pod.getVolumes()))
                    .filteredOn(volume -> volume.getSecret() != null)
                    .allSatisfy(volume ->
                            assertThat(volume.getSecret().getSecretName()).isEqualTo(SECRET));
        }
    }

    // ---- the README's Configuration table

    /**
     * Every variable the README's "Configuration" table names, abbreviations expanded. A row may name several: the
     * first in full, the others either in full or as {@code _SUFFIX}, short for the first one's namespace followed by
     * the suffix ({@code SPRING_RABBITMQ_HOST}, {@code _PORT} is {@code SPRING_RABBITMQ_PORT}). See {@link
     * #namespace} for where the namespace ends.
     */
    static Set<String> documentedVariables(String readme) {
        int start = readme.indexOf("\n## Configuration\n");
        assertThat(start).as("README section \"## Configuration\"").isNotNegative();
        int end = readme.indexOf("\n## ", start + 1);
        String section = readme.substring(start, end < 0 ? readme.length() : end);

        List<List<String>> rows = new ArrayList<>();
        for (String line : section.lines().toList()) {
            int second = line.indexOf('|', 1);
            if (!line.startsWith("|") || second < 0) {
                continue;
            }
            List<String> names = new ArrayList<>();
            Matcher name = VARIABLE.matcher(line.substring(1, second));
            while (name.find()) {
                names.add(name.group(1));
            }
            if (!names.isEmpty()) {
                assertThat(names.get(0))
                        .as("the first name of a row is in full")
                        .doesNotStartWith("_");
                rows.add(names);
            }
        }
        assertThat(rows).as("rows of the Configuration table").isNotEmpty();

        Set<String> full = new LinkedHashSet<>();
        rows.forEach(row -> row.stream().filter(n -> !n.startsWith("_")).forEach(full::add));
        Set<String> documented = new LinkedHashSet<>(full);
        for (List<String> row : rows) {
            List<String> suffixes = row.stream()
                    .filter(n -> n.startsWith("_"))
                    .map(n -> n.substring(1))
                    .toList();
            if (!suffixes.isEmpty()) {
                String namespace = namespace(row.get(0), suffixes, full);
                suffixes.forEach(suffix -> documented.add(namespace + suffix));
            }
        }
        return documented;
    }

    /**
     * The namespace of a row's first name, that its {@code _SUFFIX} names continue: its leading words before the
     * ones the longest suffix replaces ({@code STAMPEDE_GROUP_COMMIT_} for {@code STAMPEDE_GROUP_COMMIT_MAX_BATCH},
     * {@code _QUEUE_CAPACITY}) — unless it starts with a shorter namespace another name of the table shares, beyond
     * {@code STAMPEDE_} or {@code SPRING_} alone ({@code STAMPEDE_ADMISSION_} for {@code
     * STAMPEDE_ADMISSION_PER_USER_PER_SECOND}, {@code _GLOBAL_PER_SECOND}, which {@code
     * STAMPEDE_ADMISSION_MAX_IN_FLIGHT} shares).
     */
    static String namespace(String first, List<String> suffixes, Set<String> fullNames) {
        List<String> words = words(first);
        int longestSuffix =
                suffixes.stream().mapToInt(s -> words(s).size()).max().orElse(1);
        int kept = Math.max(1, words.size() - longestSuffix);
        for (String other : fullNames) {
            if (other.equals(first)) {
                continue;
            }
            List<String> otherWords = words(other);
            int shared = 0;
            while (shared < Math.min(words.size(), otherWords.size())
                    && words.get(shared).equals(otherWords.get(shared))) {
                shared++;
            }
            if (shared >= 2 && shared < kept) {
                kept = shared;
            }
        }
        return String.join("_", words.subList(0, kept)) + "_";
    }

    /** Of the variables given, those neither in the README's table nor in {@link #NOT_STAMPEDE_VARIABLES}. */
    static List<String> undocumented(Collection<String> variables, Set<String> documented) {
        return variables.stream()
                .filter(v -> !documented.contains(v) && !NOT_STAMPEDE_VARIABLES.contains(v))
                .distinct()
                .sorted()
                .toList();
    }

    /** Every environment variable the resources set: the ConfigMaps' keys and the containers' env names. */
    static List<String> variablesSet(List<?> resources) {
        List<String> names = new ArrayList<>();
        for (Object resource : resources) {
            if (resource instanceof ConfigMap map) {
                names.addAll(nullToEmpty(map.getData()).keySet());
            }
            if (resource instanceof Deployment deployment) {
                PodSpec pod = deployment.getSpec().getTemplate().getSpec();
                Stream.concat(nullToEmpty(pod.getInitContainers()).stream(), pod.getContainers().stream())
                        .flatMap(c -> nullToEmpty(c.getEnv()).stream())
                        .forEach(env -> names.add(env.getName()));
            }
        }
        return names;
    }

    private static List<String> words(String name) {
        return Arrays.asList(UNDERSCORE.split(name));
    }

    private static String readme() {
        try {
            return Files.readString(README, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ---- the manifests

    private static synchronized List<Document> documents() {
        if (documents == null) {
            documents = load();
        }
        return documents;
    }

    private static List<Document> load() {
        List<Document> read = new ArrayList<>();
        try (Stream<Path> files = Files.list(MANIFESTS)) {
            for (Path file : files.filter(
                            f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml"))
                    .sorted(Comparator.naturalOrder())
                    .toList()) {
                Object parsed;
                try (InputStream in = Files.newInputStream(file)) {
                    parsed = SERIALIZATION.unmarshal(in);
                } catch (RuntimeException e) {
                    throw new IllegalArgumentException(file.getFileName() + ": " + e.getMessage(), e);
                }
                // a file of several documents reads as a list of them
                List<?> resources = parsed instanceof List<?> list ? list : List.of(parsed);
                for (Object resource : resources) {
                    if (resource != null) {
                        read.add(new Document(file.getFileName().toString(), resource));
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return List.copyOf(read);
    }

    private static List<Object> resources() {
        return documents().stream().map(Document::resource).toList();
    }

    private static <T> List<T> all(Class<T> type) {
        return documents().stream()
                .map(Document::resource)
                .filter(type::isInstance)
                .map(type::cast)
                .toList();
    }

    private static <T> T one(Class<T> type) {
        List<T> found = all(type);
        assertThat(found).as(type.getSimpleName()).hasSize(1);
        return found.get(0);
    }

    private static Deployment theDeployment() {
        Deployment deployment = one(Deployment.class);
        assertThat(deployment.getMetadata().getName()).isEqualTo("stampede");
        return deployment;
    }

    private static Container theContainer() {
        List<Container> containers =
                theDeployment().getSpec().getTemplate().getSpec().getContainers();
        assertThat(containers).hasSize(1);
        return containers.get(0);
    }

    private static Map<String, String> podLabels() {
        return theDeployment().getSpec().getTemplate().getMetadata().getLabels();
    }

    private static List<PodSpec> podSpecs() {
        return all(Deployment.class).stream()
                .map(d -> d.getSpec().getTemplate().getSpec())
                .toList();
    }

    private static List<Container> containers() {
        return podSpecs().stream()
                .flatMap(pod ->
                        Stream.concat(nullToEmpty(pod.getInitContainers()).stream(), pod.getContainers().stream()))
                .toList();
    }

    /** The port the service listens on: SERVER_PORT where the manifests set it, else the service's default. */
    private static int serverPort() {
        for (ConfigMap map : all(ConfigMap.class)) {
            String port = nullToEmpty(map.getData()).get("SERVER_PORT");
            if (port != null) {
                return Integer.parseInt(port);
            }
        }
        return 8080;
    }

    private static int portNumber(HTTPGetAction get, Container container) {
        return portNumber(get.getPort(), container);
    }

    private static int targetPortNumber(ServicePort port, Container container) {
        return portNumber(port.getTargetPort(), container);
    }

    /** A port given by number or by the name of one of the container's ports. */
    private static int portNumber(IntOrString port, Container container) {
        assertThat(port).isNotNull();
        if (port.getIntVal() != null) {
            return port.getIntVal();
        }
        return container.getPorts().stream()
                .filter(p -> port.getStrVal().equals(p.getName()))
                .map(ContainerPort::getContainerPort)
                .findFirst()
                .orElseThrow(() -> new AssertionError("no container port named " + port.getStrVal()));
    }

    /**
     * Collects, by path, the fields fabric8 did not map onto its model: it keeps an unknown field (or a value of the
     * wrong type) aside in the object's additional properties instead of failing, so a misspelt
     * {@code readinesProbe} would otherwise go unnoticed, and be ignored by Kubernetes too.
     */
    private static void unknownFields(Object value, String path, Map<String, Object> unknown) {
        if (value instanceof Collection<?> elements) {
            int i = 0;
            for (Object element : elements) {
                unknownFields(element, path + "[" + i++ + "]", unknown);
            }
            return;
        }
        if (value instanceof Map<?, ?> entries) {
            entries.forEach((key, element) -> unknownFields(element, path + "." + key, unknown));
            return;
        }
        if (!(value instanceof KubernetesResource)) {
            return;
        }
        for (Method getter : value.getClass().getMethods()) {
            if (getter.getParameterCount() != 0
                    || Modifier.isStatic(getter.getModifiers())
                    || !getter.getName().startsWith("get")
                    || getter.getDeclaringClass() == Object.class) {
                continue;
            }
            Object field;
            try {
                field = getter.invoke(value);
            } catch (IllegalAccessException | InvocationTargetException e) {
                throw new IllegalStateException(getter.toString(), e);
            }
            if (getter.getName().equals("getAdditionalProperties")) {
                if (field instanceof Map<?, ?> extra && !extra.isEmpty()) {
                    unknown.put(path, extra.keySet());
                }
            } else {
                unknownFields(field, path + "." + getter.getName().substring(3), unknown);
            }
        }
    }

    private static <T> List<T> nullToEmpty(List<T> list) {
        return list == null ? List.of() : list;
    }

    private static <K, V> Map<K, V> nullToEmpty(Map<K, V> map) {
        return map == null ? Map.of() : map;
    }
}
