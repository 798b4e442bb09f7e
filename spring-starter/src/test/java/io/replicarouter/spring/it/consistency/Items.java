package io.replicarouter.spring.it.consistency;

import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.stereotype.Component;

/** Rows by name in {@code consistency_items}, through the router (autocommit statements). */
@Component
public class Items {

    public static final String TABLE = "CREATE TABLE IF NOT EXISTS consistency_items"
            + " (id bigserial PRIMARY KEY, name text NOT NULL)";

    private final JdbcTemplate jdbc;

    public Items(JdbcTemplate jdbc) {
        this.jdbc = jdbc;
    }

    public void insert(String name) {
        jdbc.update("INSERT INTO consistency_items (name) VALUES (?)", name);
    }

    public int count(String name) {
        Integer n = jdbc.queryForObject("SELECT count(*) FROM consistency_items WHERE name = ?", Integer.class, name);
        return n == null ? -1 : n;
    }

    /** The port of the server a read runs on. */
    public int readPort() {
        Integer port = jdbc.queryForObject("SELECT inet_server_port()", Integer.class);
        return port == null ? -1 : port;
    }
}
