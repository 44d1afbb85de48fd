package io.stampede.shared;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.assertj.core.api.Assertions.assertThat;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** The request path's caches keep themselves up on the caller's thread, and every one of them is built so. */
class CachesTest {
    @Test
    void evictsOnTheCallersThreadNotOnAPoolThread() {
        List<Thread> evictedOn = new CopyOnWriteArrayList<>();
        Cache<Integer, String> cache = Caches.newBuilder()
                .maximumSize(10)
                .evictionListener((k, v, cause) -> evictedOn.add(Thread.currentThread()))
                .<Integer, String>build();

        for (int i = 0; i < 100; i++) {
            assertThat(cache.get(i, k -> "user " + k)).isEqualTo("user " + i);
        }

        // by the time the writes return, the cache is within its bound, evicted by this thread alone
        assertThat(cache.estimatedSize()).isLessThanOrEqualTo(10);
        assertThat(evictedOn).hasSize(90).containsOnly(Thread.currentThread());
    }

    @Test
    void everyCacheOfTheServiceIsBuiltByCaches() {
        noClasses()
                .that()
                .doNotHaveFullyQualifiedName(Caches.class.getName())
                .should()
                .callMethod(Caffeine.class, "newBuilder")
                .because("a cache built otherwise hands its upkeep to the common pool, waking a thread for it")
                .check(new ClassFileImporter()
                        .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                        .importPackages("io.stampede"));
    }
}
