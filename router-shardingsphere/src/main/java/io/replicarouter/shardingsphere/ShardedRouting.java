package io.replicarouter.shardingsphere;

import io.replicarouter.RoutingDataSource;
import io.replicarouter.RoutingGroup;
import org.apache.shardingsphere.driver.api.ShardingSphereDataSourceFactory;
import org.apache.shardingsphere.infra.algorithm.core.config.AlgorithmConfiguration;
import org.apache.shardingsphere.infra.config.rule.RuleConfiguration;
import org.apache.shardingsphere.sharding.api.config.ShardingRuleConfiguration;
import org.apache.shardingsphere.sharding.api.config.rule.ShardingTableRuleConfiguration;
import org.apache.shardingsphere.sharding.api.config.strategy.sharding.StandardShardingStrategyConfiguration;

import javax.sql.DataSource;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sharding with Apache ShardingSphere-JDBC over routed shard groups: ShardingSphere decides the shard of each
 * statement, and each shard is a {@link RoutingDataSource} (a primary and its replicas) that decides primary or
 * replica within it, with every rule of the routing contract (writes and read-write transactions on the primary,
 * autocommit reads and read-only transactions on one replica, lag limits, read-your-writes in a scope).
 *
 * <pre>{@code
 * DataSource sharded = ShardedRouting.builder()
 *         .shard("ds_0", routingDs0)
 *         .shard("ds_1", routingDs1)
 *         .table("orders", "user_id")           // ds_${user_id % 2}
 *         .build();
 * }</pre>
 *
 * The result wraps ShardingSphere's own {@code DataSource} and adds one consistency scope and one force-primary
 * region over every shard ({@link ShardedDataSource}); closing it does not close the routers the application
 * gave (it built them, it closes them), unless the builder was told {@link Builder#ownShards()}; it closes the
 * routers the builder made ({@link Builder#shard(String, Supplier)}).
 */
public final class ShardedRouting {

    private static final Pattern NUMBERED = Pattern.compile("(.*?)(\\d+)");
    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private ShardedRouting() {
    }

    /** A new builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** Collects shards and sharded tables; {@link #build()} checks them and creates ShardingSphere's DataSource. */
    public static final class Builder {

        private final Map<String, Supplier<RoutingDataSource>> shards = new LinkedHashMap<>();
        private final Set<String> made = new HashSet<>();
        private final Map<String, RoutingDataSource> built = new LinkedHashMap<>();
        private final List<Table> tables = new ArrayList<>();
        private final Properties properties = new Properties();
        private String databaseName = "sharded";
        private boolean ownShards;

        private record Table(String name, String column, AlgorithmConfiguration algorithm) {
        }

        private Builder() {
        }

        /** A shard group: ShardingSphere's data source {@code name} is {@code router}. In the order of the shards. */
        public Builder shard(String name, RoutingDataSource router) {
            if (router == null) {
                requireName("shard name", name);
                throw new IllegalArgumentException("shard '" + name + "': router must not be null");
            }
            return add(name, () -> router, false);
        }

        /**
         * A shard group whose router {@link #build()} makes, in the order of the shards
         * ({@code () -> RoutingDataSources.fromProperties(env, "shards.ds-0")} in Spring): when a later shard's
         * router cannot be made, or the build fails, the routers made so far are closed, so a failed start leaks no
         * pool. The result owns the routers it made; close it to close them.
         */
        public Builder shard(String name, Supplier<RoutingDataSource> router) {
            if (router == null) {
                requireName("shard name", name);
                throw new IllegalArgumentException("shard '" + name + "': router must not be null");
            }
            return add(name, router, true);
        }

        private Builder add(String name, Supplier<RoutingDataSource> router, boolean makes) {
            requireName("shard name", name);
            if (shards.putIfAbsent(name, router) != null) {
                throw new IllegalArgumentException("shard '" + name + "' is given twice");
            }
            if (makes) {
                made.add(name);
            }
            return this;
        }

        /**
         * A table sharded by {@code column} over the shards with ShardingSphere's {@code INLINE} algorithm
         * {@code <prefix>${column % n}}: the shards' names must be one prefix followed by 0 to n-1 (for example
         * {@code ds_0}, {@code ds_1}).
         */
        public Builder table(String table, String column) {
            return table(table, column, null);
        }

        /** A table sharded by {@code column} with a ShardingSphere sharding algorithm of the caller's choice. */
        public Builder table(String table, String column, AlgorithmConfiguration algorithm) {
            requireName("table name", table);
            requireName("table '" + table + "': sharding column", column);
            for (Table t : tables) {
                if (t.name().equalsIgnoreCase(table)) {
                    throw new IllegalArgumentException("table '" + table + "' is given twice");
                }
            }
            tables.add(new Table(table, column, algorithm));
            return this;
        }

        /**
         * The sharded DataSource owns every shard's router, also those given made: closing it closes them, and
         * {@link #build()} closes them when it fails. Routers the builder makes ({@link #shard(String, Supplier)})
         * are owned without it.
         */
        public Builder ownShards() {
            this.ownShards = true;
            return this;
        }

        /** ShardingSphere's logical database name ({@code sharded} unless given). */
        public Builder databaseName(String name) {
            requireName("databaseName", name);
            this.databaseName = name;
            return this;
        }

        /** A ShardingSphere property ({@code sql-show}, {@code max-connections-size-per-query}, ...). */
        public Builder property(String key, String value) {
            properties.setProperty(key, value);
            return this;
        }

        /**
         * Checks the configuration and creates ShardingSphere's DataSource over the shards, with one consistency
         * scope over all of them ({@link ShardedDataSource#openScope()}).
         *
         * @throws IllegalArgumentException naming the shards, for a configuration that cannot work: also two
         *                                  shards on one cluster, a shard whose cluster's system identifier is
         *                                  unknown (consistency tokens key each shard's position by it), or shards
         *                                  that sign tokens with different secrets (see {@link RoutingGroup#of})
         */
        public ShardedDataSource build() throws SQLException {
            built.clear();
            try {
                return create();
            } catch (RuntimeException | SQLException e) {
                for (Map.Entry<String, RoutingDataSource> shard : built.entrySet()) {
                    if (ownShards || made.contains(shard.getKey())) {
                        shard.getValue().close();
                    }
                }
                throw e;
            }
        }

        private ShardedDataSource create() throws SQLException {
            if (shards.isEmpty()) {
                throw new IllegalArgumentException("no shard given: add shard(name, routingDataSource) for each");
            }
            if (tables.isEmpty()) {
                throw new IllegalArgumentException("no sharded table given: add table(name, shardingColumn)");
            }
            ShardingRuleConfiguration rule = new ShardingRuleConfiguration();
            String nodes = String.join(",", shards.keySet());
            for (Table t : tables) {
                String algorithmName = t.name() + "_by_" + t.column();
                StringBuilder actual = new StringBuilder();
                for (String shard : shards.keySet()) {
                    actual.append(actual.length() == 0 ? "" : ",").append(shard).append('.').append(t.name());
                }
                ShardingTableRuleConfiguration table = new ShardingTableRuleConfiguration(t.name(), actual.toString());
                table.setDatabaseShardingStrategy(new StandardShardingStrategyConfiguration(t.column(), algorithmName));
                rule.getTables().add(table);
                rule.getShardingAlgorithms().put(algorithmName,
                        t.algorithm() != null ? t.algorithm() : inline(t, nodes));
            }
            for (Map.Entry<String, Supplier<RoutingDataSource>> shard : shards.entrySet()) { // after the checks that need no server
                RoutingDataSource router = shard.getValue().get();
                if (router == null) {
                    throw new IllegalArgumentException("shard '" + shard.getKey() + "': its supplier made no router");
                }
                built.put(shard.getKey(), router);
            }
            RoutingGroup group = RoutingGroup.of(built);
            List<RuleConfiguration> rules = List.of(rule);
            Map<String, DataSource> dataSources = new LinkedHashMap<>();
            for (Map.Entry<String, RoutingDataSource> shard : built.entrySet()) {
                dataSources.put(shard.getKey(), new RoutedShard(shard.getKey(), shard.getValue()));
            }
            return new ShardedDataSource(
                    ShardingSphereDataSourceFactory.createDataSource(databaseName, null, dataSources, rules, properties),
                    group, ownShards ? Set.copyOf(built.keySet()) : Set.copyOf(made));
        }

        /** {@code <prefix>${column % n}}, when the shards are named prefix0 to prefix(n-1) in order. */
        private AlgorithmConfiguration inline(Table t, String nodes) {
            String prefix = null;
            int index = 0;
            for (String shard : shards.keySet()) {
                Matcher m = NUMBERED.matcher(shard);
                if (!m.matches() || Integer.parseInt(m.group(2)) != index
                        || (prefix != null && !prefix.equals(m.group(1)))) {
                    throw new IllegalArgumentException("table '" + t.name() + "': table(name, column) needs shards"
                            + " named one prefix and 0 to n-1 in order (ds_0, ds_1, ...), were " + nodes
                            + "; give a sharding algorithm with table(name, column, algorithm)");
                }
                prefix = m.group(1);
                index++;
            }
            Properties props = new Properties();
            props.setProperty("algorithm-expression", prefix + "${" + t.column() + " % " + shards.size() + "}");
            return new AlgorithmConfiguration("INLINE", props);
        }

        private static void requireName(String what, String value) {
            if (value == null || !NAME.matcher(value).matches()) {
                throw new IllegalArgumentException(what + " must be a SQL identifier (letters, digits, _), was '"
                        + value + "'");
            }
        }
    }
}
