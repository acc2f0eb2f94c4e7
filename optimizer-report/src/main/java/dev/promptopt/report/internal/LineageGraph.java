package dev.promptopt.report.internal;

import dev.promptopt.CandidateRecord;
import dev.promptopt.OptimizationResult;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The candidate lineage as inline SVG: one row per generation (a candidate sits one row below its deepest
 * parent), edges from parents to children, merges drawn dashed.
 */
public final class LineageGraph {
    private static final int NODE_W = 128;
    private static final int NODE_H = 46;
    private static final int GAP_X = 18;
    private static final int GAP_Y = 42;
    private static final int PAD = 10;

    private LineageGraph() {
    }

    public static String svg(OptimizationResult r) {
        Map<Integer, CandidateRecord> byIndex = new HashMap<>();
        r.candidates().forEach(c -> byIndex.put(c.index(), c));
        Map<Integer, Integer> depth = new HashMap<>();
        for (CandidateRecord c : r.candidates()) {
            depth(c.index(), byIndex, depth, new java.util.HashSet<>());
        }
        TreeMap<Integer, List<CandidateRecord>> rows = new TreeMap<>();
        r.candidates().stream().sorted(java.util.Comparator.comparingInt(CandidateRecord::index))
                .forEach(c -> rows.computeIfAbsent(depth.get(c.index()), d -> new ArrayList<>()).add(c));
        int widest = rows.values().stream().mapToInt(List::size).max().orElse(1);
        int width = Math.max(2 * PAD + widest * NODE_W + (widest - 1) * GAP_X, 300);
        int height = 2 * PAD + Math.max(1, rows.size()) * NODE_H + Math.max(0, rows.size() - 1) * GAP_Y;

        // Centre each row; remember where each node sits.
        Map<Integer, int[]> pos = new HashMap<>();
        int rowNo = 0;
        for (List<CandidateRecord> row : rows.values()) {
            int rowWidth = row.size() * NODE_W + (row.size() - 1) * GAP_X;
            int x0 = (width - rowWidth) / 2;
            for (int i = 0; i < row.size(); i++) {
                pos.put(row.get(i).index(), new int[] {x0 + i * (NODE_W + GAP_X), PAD + rowNo * (NODE_H + GAP_Y)});
            }
            rowNo++;
        }

        StringBuilder sb = new StringBuilder(4096);
        sb.append("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"po-lineage\" width=\"").append(width)
                .append("\" height=\"").append(height).append("\" viewBox=\"0 0 ").append(width).append(' ').append(height)
                .append("\" role=\"img\" aria-label=\"candidate lineage\">\n");
        for (CandidateRecord c : r.candidates()) {
            int[] to = pos.get(c.index());
            boolean merge = c.parents().size() > 1;
            for (int p : c.parents()) {
                int[] from = pos.get(p);
                if (from == null) {
                    continue;
                }
                int x1 = from[0] + NODE_W / 2;
                int y1 = from[1] + NODE_H;
                int x2 = to[0] + NODE_W / 2;
                int y2 = to[1];
                int mid = (y1 + y2) / 2;
                sb.append("<path d=\"M").append(x1).append(' ').append(y1).append(" C").append(x1).append(' ').append(mid)
                        .append(' ').append(x2).append(' ').append(mid).append(' ').append(x2).append(' ').append(y2)
                        .append("\" fill=\"none\" stroke=\"#8c959f\" stroke-width=\"1.5\"")
                        .append(merge ? " stroke-dasharray=\"5 3\"" : "").append("/>\n");
            }
        }
        for (CandidateRecord c : r.candidates()) {
            int[] p = pos.get(c.index());
            boolean best = c.index() == r.bestCandidate();
            sb.append("<g><title>#").append(c.index()).append(' ').append(Html.escape(c.origin()))
                    .append(c.parents().isEmpty() ? "" : " of " + String.join(" + ",
                            c.parents().stream().map(i -> "#" + i).toList()))
                    .append(": ").append(Html.score(c.score())).append(", found at metric call ")
                    .append(c.foundAtMetricCall()).append("</title>\n");
            sb.append("<rect x=\"").append(p[0]).append("\" y=\"").append(p[1]).append("\" width=\"").append(NODE_W)
                    .append("\" height=\"").append(NODE_H).append("\" rx=\"7\" fill=\"")
                    .append(best ? "#dafbe1" : "#f6f8fa").append("\" stroke=\"")
                    .append(best ? "#1a7f37" : ScoreChart.color(c.origin())).append("\" stroke-width=\"")
                    .append(best ? 3 : 1.5).append("\"/>\n");
            sb.append("<text x=\"").append(p[0] + NODE_W / 2).append("\" y=\"").append(p[1] + 19)
                    .append("\" font-size=\"12\" text-anchor=\"middle\" fill=\"#1f2328\" font-weight=\"600\">#")
                    .append(c.index()).append(' ').append(Html.escape(shorten(c.origin(), 13))).append("</text>\n");
            sb.append("<text x=\"").append(p[0] + NODE_W / 2).append("\" y=\"").append(p[1] + 36)
                    .append("\" font-size=\"12\" text-anchor=\"middle\" fill=\"#57606a\">")
                    .append(Html.score(c.score())).append(best ? " best" : "").append("</text>\n</g>\n");
        }
        sb.append("</svg>\n");
        return sb.toString();
    }

    /** Generation of a candidate: 0 for a root, else one more than its deepest known parent. */
    private static int depth(int index, Map<Integer, CandidateRecord> byIndex, Map<Integer, Integer> memo,
                             java.util.Set<Integer> visiting) {
        Integer known = memo.get(index);
        if (known != null) {
            return known;
        }
        CandidateRecord c = byIndex.get(index);
        int d = 0;
        if (c != null && visiting.add(index)) {
            for (int p : c.parents()) {
                if (byIndex.containsKey(p) && !visiting.contains(p)) {
                    d = Math.max(d, depth(p, byIndex, memo, visiting) + 1);
                }
            }
            visiting.remove(index);
        }
        memo.put(index, d);
        return d;
    }

    private static String shorten(String s, int max) {
        String t = s == null ? "" : s;
        return t.length() <= max ? t : t.substring(0, max - 1) + "\u2026";
    }
}
