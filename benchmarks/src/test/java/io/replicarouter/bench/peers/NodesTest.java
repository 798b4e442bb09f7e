package io.replicarouter.bench.peers;

import io.replicarouter.embedded.ClusterNode;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class NodesTest {

    private static ClusterNode node(String name, int port) {
        return new ClusterNode(name, "127.0.0.1", port, "postgres", "app", "s3cret", null);
    }

    private final Nodes nodes = new Nodes(node("primary", 5001), List.of(node("replica1", 5002),
            node("replica2", 5003)));

    @Test
    void describedWithoutThePasswordAndParsedBackWithIt() {
        String line = nodes.describe();
        assertThat(line).isEqualTo("primary@127.0.0.1:5001/postgres/app;replica1@127.0.0.1:5002/postgres/app;"
                + "replica2@127.0.0.1:5003/postgres/app").doesNotContain("s3cret");
        Nodes back = Nodes.parse(line, "s3cret");
        assertThat(back.all()).extracting(ClusterNode::name, ClusterNode::port, ClusterNode::password)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("primary", 5001, "s3cret"),
                        org.assertj.core.groups.Tuple.tuple("replica1", 5002, "s3cret"),
                        org.assertj.core.groups.Tuple.tuple("replica2", 5003, "s3cret"));
        assertThat(Nodes.parse(line, null).primary().password()).isEmpty();
    }

    @Test
    void portsMapToNodeIndexesPrimaryFirst() {
        assertThat(nodes.indexOfPort(5001)).isZero();
        assertThat(nodes.indexOfPort(5002)).isEqualTo(1);
        assertThat(nodes.indexOfPort(5003)).isEqualTo(2);
        assertThatThrownBy(() -> nodes.indexOfPort(5004)).hasMessageContaining("5004");
    }

    @Test
    void badInputIsNamed() {
        assertThatThrownBy(() -> Nodes.parse("primary@127.0.0.1:5001/postgres", "x"))
                .hasMessageContaining("primary@127.0.0.1:5001/postgres");
        assertThatThrownBy(() -> new Nodes(node("primary", 1), List.of(node("replica1", 2))))
                .hasMessageContaining("2 replicas");
    }

    @Test
    void everyContenderHasAUniqueNameAndTheBaselineIsAmongThem() {
        List<String> names = Contenders.all().stream().map(Contender::name).toList();
        assertThat(names).doesNotHaveDuplicates().contains(Contenders.BASELINE).hasSize(8);
        assertThat(Contenders.named("aws-wrapper").label()).contains("3.2.0");
        assertThatThrownBy(() -> Contenders.named("nope")).hasMessageContaining("nope").hasMessageContaining("router-ryw");
    }
}
