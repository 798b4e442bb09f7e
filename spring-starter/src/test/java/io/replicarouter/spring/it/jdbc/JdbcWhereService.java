package io.replicarouter.spring.it.jdbc;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Service;
import org.springframework.transaction.annotation.Transactional;

import java.util.List;

/** Transactions that report the server port of each of their statements. */
@Service
public class JdbcWhereService {

    private final JdbcTemplate jdbc;
    private final JdbcClient client;

    JdbcWhereService(JdbcTemplate jdbc, JdbcClient client) {
        this.jdbc = jdbc;
        this.client = client;
    }

    private int jdbcPort() {
        return jdbc.queryForObject("select inet_server_port()", Integer.class);
    }

    private int clientPort() {
        return client.sql("select inet_server_port()").query(Integer.class).single();
    }

    @Transactional(readOnly = true)
    public List<Integer> readOnly() {
        return List.of(jdbcPort(), clientPort(), jdbcPort());
    }

    @Transactional
    public List<Integer> readWrite() {
        int first = clientPort();
        jdbc.update("create table if not exists it_jdbc_touch (id int primary key)");
        return List.of(first, jdbcPort());
    }

    /** No transaction: each statement on its own, autocommit. */
    public int autocommitRead() {
        return jdbcPort();
    }
}
