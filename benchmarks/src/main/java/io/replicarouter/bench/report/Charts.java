package io.replicarouter.bench.report;

import org.jfree.chart.ChartFactory;
import org.jfree.chart.ChartUtils;
import org.jfree.chart.JFreeChart;
import org.jfree.chart.axis.CategoryAxis;
import org.jfree.chart.axis.CategoryLabelPositions;
import org.jfree.chart.plot.CategoryPlot;
import org.jfree.chart.plot.PlotOrientation;
import org.jfree.chart.plot.ValueMarker;
import org.jfree.data.category.DefaultCategoryDataset;

import java.awt.BasicStroke;
import java.awt.Color;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/** The report's charts, drawn headless with JFreeChart. */
final class Charts {

    private static final int WIDTH = 1000;
    private static final int HEIGHT = 520;

    private Charts() {
    }

    static void throughput(RunResults r, Map<Integer, Map<String, Double>> ratios, Path file) throws IOException {
        System.setProperty("java.awt.headless", "true");
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        ratios.forEach((threads, byName) -> byName.forEach((name, v) -> {
            if (!Double.isNaN(v)) {
                data.addValue(v, threads + (threads == 1 ? " thread" : " threads"), name);
            }
        }));
        JFreeChart chart = ChartFactory.createBarChart("A: primary-key select, throughput ÷ HikariCP → replica ("
                        + r.when().toLocalDate() + ", " + r.mode() + ")", null, "ratio (higher is better)", data,
                PlotOrientation.VERTICAL, true, false, false);
        CategoryPlot plot = chart.getCategoryPlot();
        plot.addRangeMarker(marker(1.0));
        style(plot);
        ChartUtils.saveChartAsPNG(file.toFile(), chart, WIDTH, HEIGHT);
    }

    static void stale(RunResults r, Path file) throws IOException {
        System.setProperty("java.awt.headless", "true");
        DefaultCategoryDataset data = new DefaultCategoryDataset();
        Report.staleShares(r).forEach((name, v) -> {
            if (!Double.isNaN(v[0])) {
                data.addValue(v[0], "healthy replicas", name);
            }
            if (!Double.isNaN(v[1])) {
                data.addValue(v[1], "replica1 replay paused", name);
            }
        });
        JFreeChart chart = ChartFactory.createBarChart("B: reads right after the user's own write that missed it ("
                        + r.when().toLocalDate() + ")", null, "stale reads, % (lower is better)", data,
                PlotOrientation.VERTICAL, true, false, false);
        CategoryPlot plot = chart.getCategoryPlot();
        plot.getRangeAxis().setRange(0, 100);
        style(plot);
        ChartUtils.saveChartAsPNG(file.toFile(), chart, WIDTH, HEIGHT);
    }

    private static ValueMarker marker(double at) {
        ValueMarker m = new ValueMarker(at);
        m.setPaint(Color.DARK_GRAY);
        m.setStroke(new BasicStroke(1.5f));
        return m;
    }

    private static void style(CategoryPlot plot) {
        plot.setBackgroundPaint(Color.WHITE);
        plot.setRangeGridlinePaint(Color.LIGHT_GRAY);
        CategoryAxis axis = plot.getDomainAxis();
        axis.setCategoryLabelPositions(CategoryLabelPositions.UP_45);
    }
}
