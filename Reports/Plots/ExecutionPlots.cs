using ScalePlanner.Executor.Measurements;
using ScottPlot;
using ScalePlanner.Simulator.Simulation;

namespace ScalePlanner.Reports.Plots;

/// <summary>`execute`: measured step time per step against the cost model's prediction, and the loss against the source's entropy rate.</summary>
public static class ExecutionPlots
{
    public static Plot StepTime(string title, SimulationResult predicted, IReadOnlyList<StepMetrics> steps, int warmup)
    {
        var plot = PlotTitles.Titled($"{title}: predicted vs measured step time", "step", "step time (s)");
        var warm = steps.Take(warmup).ToList();
        var measured = steps.Skip(warmup).ToList();
        if (warm.Count > 0)
        {
            var w = plot.Add.ScatterPoints(warm.Select(s => (double)s.Step + 1).ToArray(), warm.Select(s => s.StepSeconds).ToArray());
            w.LegendText = "measured, warm-up (left out)";
            w.Color = Colors.Gray;
        }
        var m = plot.Add.Scatter(measured.Select(s => (double)s.Step + 1).ToArray(), measured.Select(s => s.StepSeconds).ToArray());
        m.LegendText = "measured";
        var p = plot.Add.HorizontalLine(predicted.StepTimeSeconds);
        p.LegendText = "predicted";
        p.LinePattern = LinePattern.Dashed;
        plot.ShowLegend(Edge.Right); // beside the plot: inside it would hide the last steps
        return plot;
    }

    public static Plot Loss(string title, IReadOnlyList<StepMetrics> steps, double entropyRate)
    {
        var plot = PlotTitles.Titled($"{title}: training loss", "step", "loss (nats per token)");
        plot.Add.Scatter(steps.Select(s => (double)s.Step + 1).ToArray(), steps.Select(s => s.Loss).ToArray()).LegendText = "loss";
        if (!double.IsNaN(entropyRate)) // a corpus has no known floor
        {
            var floor = plot.Add.HorizontalLine(entropyRate);
            floor.LegendText = "entropy rate of the source";
            floor.LinePattern = LinePattern.Dotted;
        }
        plot.ShowLegend(Edge.Right); // beside the plot: inside it would hide the last steps
        return plot;
    }
}
