package io.replicarouter.sample.forum;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TopicPageTest {

    @ParameterizedTest
    @CsvSource({
        // page, total, pages, previous, next
        "1, 0, 1, false, false",
        "1, 1, 1, false, false",
        "1, 20, 1, false, false",
        "1, 21, 2, false, true",
        "2, 21, 2, true, false",
        "3, 3000, 150, true, true",
        "150, 3000, 150, true, false",
        "151, 3000, 150, true, false",
    })
    void paging(int page, long total, int pages, boolean previous, boolean next) {
        TopicPage p = new TopicPage(List.of(), page, 20, total);
        assertThat(p.totalPages()).isEqualTo(pages);
        assertThat(p.hasPrevious()).isEqualTo(previous);
        assertThat(p.hasNext()).isEqualTo(next);
    }
}
