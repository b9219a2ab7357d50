package dev.crmbridge.wazzup.internal.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The names a signal carries (the users whose counters changed): encoded to fit notifications, read back whole. */
class SignalsDataTest {

    @Test
    void namesWithTheSeparatorsInThemComeBackAsTheyWere() {
        Set<String> names = new LinkedHashSet<>(List.of("u1", "a,b", "x|y", "with space", "кириллица", "100%"));
        List<String> chunks = Signals.chunks(names);
        assertThat(chunks).hasSize(1);
        assertThat(chunks.get(0)).doesNotContain("|");
        assertThat(Signals.names(chunks.get(0))).containsExactlyElementsOf(names);
    }

    @Test
    void manyNamesAreSplitIntoNotificationsPostgresqlTakes() {
        Set<String> names = new LinkedHashSet<>();
        for (int i = 0; i < 5_000; i++) {
            names.add("user-" + i);
        }
        List<String> chunks = Signals.chunks(names);
        assertThat(chunks.size()).isGreaterThan(1);
        List<String> back = new ArrayList<>();
        for (String c : chunks) {
            assertThat(c.length()).isLessThanOrEqualTo(6_000); // the payload's limit is 8,000 bytes
            back.addAll(Signals.names(c));
        }
        assertThat(back).containsExactlyElementsOf(names);
    }

    @Test
    void noNamesIsOneEmptyNotificationAndAMalformedOneIsSkipped() {
        assertThat(Signals.chunks(Set.of())).containsExactly("");
        assertThat(Signals.names("")).isEmpty();
        assertThat(Signals.names(null)).isEmpty();
        assertThat(Signals.names("ok,%zz,also")).containsExactly("ok", "also");
    }
}
