package io.replicarouter.internal.sql;

import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Which function calls make a statement a write (it writes, locks, acts on the server, or fails on
 * a server in recovery), or leave state on the server session.
 */
final class FunctionRules {

    /** What calling a function implies for routing. */
    enum Effect {
        NONE,
        WRITE,
        /** Raises an error on a server in recovery: must run on the primary (routed as a write). */
        FAILS_DURING_RECOVERY,
        SESSION
    }

    /** Session-level locks, configuration, dblink connections and the session's random seed. */
    private static final Set<String> SESSION = Set.of(
            "pg_advisory_lock", "pg_advisory_lock_shared", "pg_try_advisory_lock",
            "pg_try_advisory_lock_shared", "pg_advisory_unlock", "pg_advisory_unlock_shared",
            "pg_advisory_unlock_all", "set_config", "dblink_connect", "dblink_connect_u", "setseed");

    /**
     * Built-in functions that a hot standby refuses with SQLSTATE 55000 "recovery is in progress"
     * (PostgreSQL 18, "System Administration Functions": the backup control functions other than
     * {@code pg_backup_start}, {@code pg_backup_stop}, {@code pg_wal_lsn_diff} and
     * {@code pg_split_walfile_name}; {@code pg_log_standby_snapshot}; the index maintenance
     * functions; the statistics manipulation functions). {@code StandbyFunctionsIT} calls each one on
     * a real standby and on the primary, so this list cannot drift from the server.
     */
    static final Set<String> FAILING_DURING_RECOVERY = Set.of(
            "pg_current_wal_lsn", "pg_current_wal_insert_lsn", "pg_current_wal_flush_lsn",
            "pg_walfile_name", "pg_walfile_name_offset", "pg_switch_wal", "pg_create_restore_point",
            "pg_log_standby_snapshot",
            "brin_summarize_new_values", "brin_summarize_range", "brin_desummarize_range",
            "gin_clean_pending_list",
            "pg_restore_relation_stats", "pg_clear_relation_stats", "pg_restore_attribute_stats",
            "pg_clear_attribute_stats");

    private static final Set<String> WRITE = Set.of(
            "nextval", "setval", "currval", "lastval",
            // assign a transaction id (a standby refuses: 25006); the *_if_assigned variants only read
            "txid_current", "pg_current_xact_id",
            "pg_notify", "loread", "lowrite",
            "pg_terminate_backend", "pg_cancel_backend", "pg_reload_conf", "pg_rotate_logfile",
            "pg_rotate_logfile_old",
            // a backup belongs to the session that started it (they work on a standby, too)
            "pg_backup_start", "pg_backup_stop",
            // names of the WAL and backup functions in PostgreSQL < 10 and < 15
            "pg_switch_xlog", "pg_current_xlog_location", "pg_current_xlog_insert_location",
            "pg_current_xlog_flush_location", "pg_xlogfile_name", "pg_xlogfile_name_offset",
            "pg_start_backup", "pg_stop_backup",
            "pg_create_physical_replication_slot", "pg_create_logical_replication_slot",
            "pg_drop_replication_slot", "pg_copy_physical_replication_slot",
            "pg_copy_logical_replication_slot", "pg_replication_slot_advance",
            "pg_sync_replication_slots",
            "pg_logical_emit_message", "pg_logical_slot_get_changes",
            "pg_logical_slot_get_binary_changes", "pg_promote", "pg_wal_replay_pause",
            "pg_wal_replay_resume", "pg_xlog_replay_pause", "pg_xlog_replay_resume",
            "pg_export_snapshot", "pg_log_backend_memory_contexts",
            "pg_import_system_collations", "pg_file_write",
            "pg_file_rename", "pg_file_unlink", "pg_file_sync", "pg_nextoid",
            "pg_stat_statements_reset", "pg_set_relation_stats", "pg_set_attribute_stats",
            "pg_truncate_visibility_map",
            // run arbitrary SQL text, or need a cursor of this session
            "query_to_xml", "query_to_xmlschema", "query_to_xml_and_xmlschema", "cursor_to_xml",
            "cursor_to_xmlschema");

    private static final List<String> WRITE_PREFIXES = List.of(
            "lo_", "pg_advisory_", "pg_try_advisory_", "pg_replication_origin_", "pg_stat_reset",
            "dblink", "pg_sequence_");

    /** Read-only functions that a prefix above would otherwise catch. */
    private static final Set<String> PREFIX_EXCEPTIONS =
            Set.of("pg_sequence_parameters", "pg_sequence_last_value");

    private final Set<String> extraNames = new HashSet<>();
    private final Set<String> extraQualified = new HashSet<>();
    /** Name parts of the qualified entries: an unqualified call may resolve to them via search_path. */
    private final Set<String> extraQualifiedNames = new HashSet<>();

    /**
     * @param extraWriteFunctions already validated names, unqualified ({@code audit_log}) or
     *     schema-qualified ({@code app.touch})
     */
    FunctionRules(Set<String> extraWriteFunctions) {
        for (String raw : extraWriteFunctions) {
            String name = raw.trim().toLowerCase(Locale.ROOT);
            int dot = name.lastIndexOf('.');
            if (dot < 0) {
                extraNames.add(name);
            } else {
                extraQualified.add(name);
                extraQualifiedNames.add(name.substring(dot + 1));
            }
        }
    }

    /** Validates one configured name; returns an error message or null. */
    static String invalidName(String name) {
        if (name == null) {
            return "null element";
        }
        String n = name.trim();
        if (n.isEmpty()) {
            return "blank name '" + name + "'";
        }
        String[] parts = n.split("\\.", -1);
        if (parts.length > 2) {
            return "'" + name + "' has more than one '.'";
        }
        for (String part : parts) {
            if (part.isEmpty() || part.chars().anyMatch(c -> SqlTokenizer.isSpace((char) c))) {
                return "malformed name '" + name + "'";
            }
        }
        return null;
    }

    /**
     * @param schema lower-cased qualifier of the call, or null
     * @param name lower-cased function name
     */
    Effect effect(String schema, String name) {
        if (SESSION.contains(name)) {
            return Effect.SESSION;
        }
        if (FAILING_DURING_RECOVERY.contains(name)) {
            return Effect.FAILS_DURING_RECOVERY;
        }
        if (WRITE.contains(name) || extraNames.contains(name)) {
            return Effect.WRITE;
        }
        if (schema == null ? extraQualifiedNames.contains(name)
                : extraQualified.contains(schema + "." + name)) {
            return Effect.WRITE;
        }
        if (!PREFIX_EXCEPTIONS.contains(name)) {
            for (String prefix : WRITE_PREFIXES) {
                if (name.startsWith(prefix)) {
                    return Effect.WRITE;
                }
            }
        }
        return Effect.NONE;
    }
}
