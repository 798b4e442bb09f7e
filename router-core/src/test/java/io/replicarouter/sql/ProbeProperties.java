package io.replicarouter.sql;
import net.jqwik.api.*;
class ProbeProperties {
  @Property(tries = 10) void probe(@ForAll int x) { System.out.println("JQWIK-PROBE " + x); }
}
