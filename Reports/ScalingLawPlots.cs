using ScalePlanner.Reports.Plots;
namespace ScalePlanner.Reports;

/// <summary>The four plots of `fit --out` and `study --out`: observed vs fitted loss, loss vs compute with the compute-optimal frontier, IsoFLOP curves, and residuals.</summary>
public static class ScalingLawPlots
{
    public static ScottPlot.Plot ObservedVersusFitted(ScalingLawReport report)
    {
        var plot = PlotTitles.Titled($"{report.Form} law: observed vs fitted loss", "fitted loss", "observed loss");
        var points = plot.Add.ScatterPoints(report.Points.Select(p => p.Fitted).ToArray(), report.Points.Select(p => p.Observed).ToArray());
        points.LegendText = "runs";
        double low = report.Points.Min(p => Math.Min(p.Fitted, p.Observed)), high = report.Points.Max(p => Math.Max(p.Fitted, p.Observed));
        plot.Add.ScatterLine(new[] { low, high }, new[] { low, high }).LegendText = "observed = fitted";
        plot.ShowLegend();
        return plot;
    }

    /// <summary>Loss against log10 compute: the runs, the compute-optimal frontier, and each IsoFLOP curve's minimum marked on it.</summary>
    public static ScottPlot.Plot Frontier(ScalingLawReport report)
    {
        var plot = PlotTitles.Titled($"{report.Form} law: loss vs compute", "log10 training FLOPs (6ND)", "loss");
        plot.Add.ScatterPoints(report.Points.Select(p => Math.Log10(p.Flops)).ToArray(), report.Points.Select(p => p.Observed).ToArray()).LegendText = "runs";
        plot.Add.ScatterLine(report.Frontier.X.Select(Math.Log10).ToArray(), report.Frontier.Y).LegendText = "compute-optimal frontier";
        plot.ShowLegend();
        return plot;
    }

    public static ScottPlot.Plot IsoFlop(ScalingLawReport report)
    {
        var plot = PlotTitles.Titled($"{report.Form} law: IsoFLOP curves", "log10 parameters", "loss");
        foreach (var curve in report.IsoFlop)
            plot.Add.ScatterLine(curve.X.Select(Math.Log10).ToArray(), curve.Y).LegendText = curve.Name;
        plot.ShowLegend();
        return plot;
    }

    public static ScottPlot.Plot Residuals(ScalingLawReport report)
    {
        var plot = PlotTitles.Titled($"{report.Form} law: residuals", "log10 training FLOPs (6ND)", "log observed − log fitted");
        plot.Add.ScatterPoints(report.Points.Select(p => Math.Log10(p.Flops)).ToArray(), report.Points.Select(p => Math.Log(p.Observed / p.Fitted)).ToArray());
        return plot;
    }
}
