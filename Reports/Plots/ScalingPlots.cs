using ScalePlanner.Simulator.Plans;
using ScottPlot;

namespace ScalePlanner.Reports.Plots;

/// <summary>Strong and weak scaling of the best layout at each device count: throughput, and parallel efficiency, against devices.</summary>
public static class ScalingPlots
{
    public static Plot Throughput(string title, IReadOnlyList<ScalingPoint> points) =>
        Curves($"{title}: throughput of the best layout", "tokens per second", points, p => p.TokensPerSecond);

    public static Plot Efficiency(string title, IReadOnlyList<ScalingPoint> points)
    {
        var plot = Curves($"{title}: scaling efficiency", "throughput per device / at the smallest count", points, p => p.Efficiency);
        var ideal = plot.Add.HorizontalLine(1);
        ideal.LegendText = "ideal";
        ideal.LinePattern = LinePattern.Dashed;
        return plot;
    }

    /// <summary>One line per mode, device count on a log2 axis (the sweep doubles it).</summary>
    private static Plot Curves(string title, string axis, IReadOnlyList<ScalingPoint> points, Func<ScalingPoint, double> value)
    {
        var plot = new Plot();
        plot.Title(title);
        plot.XLabel("log2 devices");
        plot.YLabel(axis);
        foreach (var mode in points.Select(p => p.Mode).Distinct())
        {
            var line = points.Where(p => p.Mode == mode).OrderBy(p => p.Devices).ToList();
            var scatter = plot.Add.Scatter(line.Select(p => Math.Log2(p.Devices)).ToArray(), line.Select(value).ToArray());
            scatter.LegendText = mode == ScalingMode.Strong ? "strong (fixed global batch)" : "weak (batch grows with devices)";
            scatter.MarkerSize = 8;
        }
        plot.ShowLegend(Edge.Right); // beside the plot, where it hides no point
        return plot;
    }
}
