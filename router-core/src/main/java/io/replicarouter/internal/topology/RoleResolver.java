package io.replicarouter.internal.topology;

import io.replicarouter.FenceCause;

import java.util.ArrayList;
import java.util.List;

/**
 * Decides, from one round of probes, which node is the primary and which nodes are fenced. Pure.
 * <ul>
 *   <li>The primary is the reachable node not in recovery; with several, the one on the highest timeline
 *       (a promoted replica is on a higher timeline than the old primary it replaced), and on a tie the
 *       current primary keeps its role. The others that claim to be primary are fenced.</li>
 *   <li>A node of another cluster (different system identifier than the primary's) is fenced.</li>
 *   <li>No reachable node out of recovery: no primary (writes fail fast until one appears).</li>
 * </ul>
 */
public final class RoleResolver {

    /**
     * The decision: index of the primary (-1 for none) and the fenced nodes' indexes, each with its cause and
     * a reason for people (same positions in the three lists).
     */
    public record Roles(int primary, List<Integer> fenced, List<FenceCause> causes, List<String> reasons) {
    }

    private RoleResolver() {
    }

    public static Roles resolve(List<NodeStatus> statuses, int currentPrimary) {
        int best = -1;
        for (int i = 0; i < statuses.size(); i++) {
            NodeStatus s = statuses.get(i);
            if (!s.claimsPrimary()) {
                continue;
            }
            if (best < 0) {
                best = i;
                continue;
            }
            int cmp = Integer.compare(s.timeline(), statuses.get(best).timeline());
            if (cmp > 0 || (cmp == 0 && i == currentPrimary)) {
                best = i;
            }
        }
        List<Integer> fenced = new ArrayList<>();
        List<FenceCause> causes = new ArrayList<>();
        List<String> reasons = new ArrayList<>();
        long systemId = best >= 0 ? statuses.get(best).systemId() : 0;
        for (int i = 0; i < statuses.size(); i++) {
            NodeStatus s = statuses.get(i);
            if (i == best || !s.reachable()) {
                continue;
            }
            if (s.claimsPrimary()) {
                fenced.add(i);
                causes.add(FenceCause.SECOND_PRIMARY);
                reasons.add("also claims to be primary, on timeline " + s.timeline() + " (the primary is on "
                        + statuses.get(best).timeline() + ")");
            } else if (systemId != 0 && s.systemId() != 0 && s.systemId() != systemId) {
                fenced.add(i);
                causes.add(FenceCause.OTHER_CLUSTER);
                reasons.add("belongs to another cluster (system identifier " + Long.toUnsignedString(s.systemId())
                        + ", the primary's is " + Long.toUnsignedString(systemId) + ")");
            }
        }
        return new Roles(best, fenced, causes, reasons);
    }
}
