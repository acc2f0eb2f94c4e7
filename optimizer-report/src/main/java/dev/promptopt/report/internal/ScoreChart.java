package dev.promptopt.report.internal;

import dev.promptopt.CandidateRecord;
import dev.promptopt.OptimizationResult;
import dev.promptopt.report.Timeline;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** The score-versus-metric-calls chart as inline SVG: one dot per candidate and the best-so-far step line. */
public final class ScoreChart {
    private static final int W = 760;
    private static final int H = 320;
    private static final int LEFT = 56;
    private static final int RIGHT = 20;
    private static final int TOP = 16;
    private static final int BOTTOM = 64;

    private ScoreChart() {
    }

    public static String svg(OptimizationResult r) {
        double xMax = Math.max(1, r.metricCalls());
        for (CandidateRecord c : r.candidates()) {
            xMax = Math.max(xMax, c.foundAtMetricCall());
        }
        return svg(r, r.candidates(), c -> c.foundAtMetricCall(), xMax, "metric calls", "at metric call ", false);
    }

    /**
     * Score against wall time: each candidate at the second it was accepted ({@code seconds}, candidates
     * without a time are left out), the best-so-far line carried to {@code totalSeconds}.
     */
    public static String svgByTime(OptimizationResult r, java.util.Map<Integer, Double> seconds, double totalSeconds) {
        List<CandidateRecord> timed = new ArrayList<>();
        double xMax = Math.max(totalSeconds, 1e-3);
        for (CandidateRecord c : r.candidates()) {
            Double t = seconds.get(c.index());
            if (t != null) {
                timed.add(c);
                xMax = Math.max(xMax, t);
            }
        }
        return svg(r, timed, c -> seconds.get(c.index()), xMax, "wall time (s)", "at second ", true);
    }

    private static String svg(OptimizationResult r, List<CandidateRecord> shown,
                              java.util.function.ToDoubleFunction<CandidateRecord> xOf, double xMax, String xLabel,
                              String at, boolean seconds) {
        List<CandidateRecord> cands = new ArrayList<>(shown);
        cands.sort(Comparator.comparingDouble(xOf).thenComparingInt(CandidateRecord::index));
        double yMax = 1.0;
        for (CandidateRecord c : cands) {
            if (Double.isFinite(c.score())) {
                yMax = Math.max(yMax, c.score());
            }
        }
        double plotW = W - LEFT - RIGHT;
        double plotH = H - TOP - BOTTOM;
        final double xm = xMax;
        final double ym = yMax;
        java.util.function.DoubleUnaryOperator x = v -> LEFT + v / xm * plotW;
        java.util.function.DoubleUnaryOperator y = v -> TOP + plotH - Math.max(0, v) / ym * plotH;

        StringBuilder sb = new StringBuilder(4096);
        sb.append("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"po-chart\" width=\"").append(W).append("\" height=\"")
                .append(H).append("\" viewBox=\"0 0 ").append(W).append(' ').append(H)
                .append("\" role=\"img\" aria-label=\"candidate score versus ").append(xLabel).append("\">\n");
        // Grid and axes.
        for (int i = 0; i <= 4; i++) {
            double v = ym * i / 4;
            double py = y.applyAsDouble(v);
            sb.append("<line x1=\"").append(LEFT).append("\" y1=\"").append(Html.num(py)).append("\" x2=\"")
                    .append(W - RIGHT).append("\" y2=\"").append(Html.num(py))
                    .append("\" stroke=\"#d0d7de\" stroke-width=\"1\"/>\n");
            sb.append("<text x=\"").append(LEFT - 8).append("\" y=\"").append(Html.num(py + 4))
                    .append("\" font-size=\"11\" text-anchor=\"end\" fill=\"#57606a\">")
                    .append(String.format(java.util.Locale.ROOT, "%.2f", v)).append("</text>\n");
        }
        double step = seconds ? niceStep(xm) : niceStep((long) Math.ceil(xm));
        for (int i = 0; i * step <= xm * (1 + 1e-9); i++) {
            double v = i * step;
            double px = x.applyAsDouble(v);
            sb.append("<line x1=\"").append(Html.num(px)).append("\" y1=\"").append(TOP + (int) plotH).append("\" x2=\"")
                    .append(Html.num(px)).append("\" y2=\"").append(TOP + (int) plotH + 5)
                    .append("\" stroke=\"#57606a\" stroke-width=\"1\"/>\n");
            sb.append("<text x=\"").append(Html.num(px)).append("\" y=\"").append(TOP + (int) plotH + 18)
                    .append("\" font-size=\"11\" text-anchor=\"middle\" fill=\"#57606a\">")
                    .append(seconds ? Html.num(v) : String.valueOf((long) v)).append("</text>\n");
        }
        sb.append("<line x1=\"").append(LEFT).append("\" y1=\"").append(TOP + (int) plotH).append("\" x2=\"")
                .append(W - RIGHT).append("\" y2=\"").append(TOP + (int) plotH).append("\" stroke=\"#57606a\"/>\n");
        sb.append("<text x=\"").append(LEFT + (int) plotW / 2).append("\" y=\"").append(TOP + (int) plotH + 36)
                .append("\" font-size=\"12\" text-anchor=\"middle\" fill=\"#1f2328\">").append(xLabel).append("</text>\n");
        sb.append("<text x=\"14\" y=\"").append(TOP + (int) plotH / 2).append("\" font-size=\"12\" text-anchor=\"middle\"")
                .append(" fill=\"#1f2328\" transform=\"rotate(-90 14 ").append(TOP + (int) plotH / 2)
                .append(")\">validation score</text>\n");

        // Best-so-far: a step line through the running maximum, carried to the last metric call.
        if (!cands.isEmpty()) {
            StringBuilder path = new StringBuilder();
            double best = Double.NEGATIVE_INFINITY;
            for (CandidateRecord c : cands) {
                double s = Double.isFinite(c.score()) ? c.score() : 0;
                double px = x.applyAsDouble(xOf.applyAsDouble(c));
                if (path.length() == 0) {
                    best = s;
                    path.append('M').append(Html.num(px)).append(' ').append(Html.num(y.applyAsDouble(best)));
                } else if (s > best) {
                    path.append(" H").append(Html.num(px));
                    best = s;
                    path.append(" V").append(Html.num(y.applyAsDouble(best)));
                }
            }
            path.append(" H").append(Html.num(x.applyAsDouble(xm)));
            sb.append("<path d=\"").append(path).append("\" fill=\"none\" stroke=\"#1a7f37\" stroke-width=\"2\"/>\n");
        }
        for (CandidateRecord c : cands) {
            double s = Double.isFinite(c.score()) ? c.score() : 0;
            boolean isBest = c.index() == r.bestCandidate();
            double px = x.applyAsDouble(xOf.applyAsDouble(c));
            double py = y.applyAsDouble(s);
            sb.append("<circle cx=\"").append(Html.num(px)).append("\" cy=\"").append(Html.num(py)).append("\" r=\"")
                    .append(isBest ? 7 : 5).append("\" fill=\"").append(color(c.origin())).append("\" stroke=\"")
                    .append(isBest ? "#1a7f37" : "#ffffff").append("\" stroke-width=\"").append(isBest ? 3 : 1)
                    .append("\"><title>#").append(c.index()).append(' ').append(Html.escape(c.origin())).append(": ")
                    .append(Html.score(c.score())).append(' ').append(at)
                    .append(seconds ? Html.num(xOf.applyAsDouble(c)) : String.valueOf((long) xOf.applyAsDouble(c)))
                    .append(isBest ? " (best)" : "").append("</title></circle>\n");
            sb.append("<text x=\"").append(Html.num(px + 8)).append("\" y=\"").append(Html.num(py - 7))
                    .append("\" font-size=\"10\" fill=\"#57606a\">#").append(c.index()).append("</text>\n");
        }
        legend(sb, TOP + (int) plotH + 54);
        sb.append("</svg>\n");
        return sb.toString();
    }

    /** One bar per proposal from its start to its last event, coloured by outcome: overlaps show parallel proposals. */
    public static String proposalsSvg(java.util.Map<Integer, Timeline.Span> spans, double totalSeconds) {
        int row = 6;
        int h = TOP + spans.size() * row + 40;
        double xm = Math.max(totalSeconds, 1e-3);
        double plotW = W - LEFT - RIGHT;
        StringBuilder sb = new StringBuilder(2048);
        sb.append("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"po-chart\" width=\"").append(W)
                .append("\" height=\"").append(h).append("\" viewBox=\"0 0 ").append(W).append(' ').append(h)
                .append("\" role=\"img\" aria-label=\"proposals in flight over wall time\">\n");
        int i = 0;
        for (Timeline.Span s : spans.values()) {
            double x0 = LEFT + s.start() / xm * plotW;
            double x1 = LEFT + Math.max(s.end(), s.start()) / xm * plotW;
            String fill = switch (s.outcome()) {
                case "accepted" -> "#1a7f37";
                case "rejected" -> "#cf222e";
                default -> "#6e7781";
            };
            sb.append("<rect x=\"").append(Html.num(x0)).append("\" y=\"").append(TOP + i * row).append("\" width=\"")
                    .append(Html.num(Math.max(1.5, x1 - x0))).append("\" height=\"").append(row - 1).append("\" fill=\"")
                    .append(fill).append("\"><title>proposal ").append(s.proposal()).append(' ').append(s.outcome())
                    .append(": ").append(Html.num(s.start())).append(" s to ").append(Html.num(s.end()))
                    .append(" s</title></rect>\n");
            i++;
        }
        int axis = TOP + spans.size() * row + 4;
        double step = niceStep(xm);
        for (int k = 0; k * step <= xm * (1 + 1e-9); k++) {
            double px = LEFT + k * step / xm * plotW;
            sb.append("<text x=\"").append(Html.num(px)).append("\" y=\"").append(axis + 14)
                    .append("\" font-size=\"11\" text-anchor=\"middle\" fill=\"#57606a\">").append(Html.num(k * step))
                    .append("</text>\n");
        }
        sb.append("<text x=\"").append(LEFT + (int) plotW / 2).append("\" y=\"").append(axis + 32)
                .append("\" font-size=\"12\" text-anchor=\"middle\" fill=\"#1f2328\">wall time (s); green accepted, red "
                        + "rejected or dropped, grey skipped or unfinished</text>\n</svg>\n");
        return sb.toString();
    }

    private static void legend(StringBuilder sb, int ly) {
        String[][] items = {{"seed", "seed"}, {"reflection", "reflection"}, {"merge", "merge"}, {"other", "other"}};
        int lx = LEFT;
        for (String[] it : items) {
            sb.append("<circle cx=\"").append(lx + 5).append("\" cy=\"").append(ly - 4).append("\" r=\"5\" fill=\"")
                    .append(color(it[0])).append("\"/>\n<text x=\"").append(lx + 14).append("\" y=\"").append(ly)
                    .append("\" font-size=\"11\" fill=\"#1f2328\">").append(it[1]).append("</text>\n");
            lx += 95;
        }
        sb.append("<path d=\"M").append(lx).append(' ').append(ly - 4).append(" H").append(lx + 24)
                .append("\" stroke=\"#1a7f37\" stroke-width=\"2\"/>\n<text x=\"").append(lx + 30).append("\" y=\"")
                .append(ly).append("\" font-size=\"11\" fill=\"#1f2328\">best so far</text>\n");
    }

    public static String color(String origin) {
        return switch (origin == null ? "" : origin) {
            case "seed" -> "#6e7781";
            case "reflection" -> "#0969da";
            case "merge" -> "#8250df";
            default -> "#bf8700";
        };
    }

    /** A tick step of 1, 2 or 5 times a (possibly negative) power of ten giving at most about ten ticks. */
    public static double niceStep(double max) {
        double step = Math.pow(10, Math.floor(Math.log10(Math.max(max, 1e-9) / 10)));
        for (int i = 0; i < 4; i++, step *= 10) {
            for (double m : new double[] {1, 2, 5}) {
                if (max / (step * m) <= 10) {
                    return step * m;
                }
            }
        }
        return step;
    }

    /** A tick step of 1, 2 or 5 times a power of ten giving at most about ten ticks. */
    public static long niceStep(long max) {
        long step = 1;
        while (true) {
            for (long m : new long[] {1, 2, 5}) {
                if (max / (step * m) <= 10) {
                    return step * m;
                }
            }
            step *= 10;
        }
    }
}
