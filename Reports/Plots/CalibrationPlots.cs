using ScottPlot;

namespace ScalePlanner.Reports.Plots;

/// <summary>`calibrate`: per group, each curve's measured points and its fitted curve in one colour, measured as markers and fitted as a line.</summary>
public static class CalibrationPlots
{
    public static Plot Build(CalibrationAxes axes, IReadOnlyList<CalibrationCurve> curves)
    {
        var plot = new Plot();
        plot.Title(axes.Title);
        plot.XLabel(axes.X);
        plot.YLabel(axes.Y);
        var palette = new ScottPlot.Palettes.Category10();
        int i = 0;
        foreach (var curve in curves.Where(c => c.Group == axes.Group))
        {
            var colour = palette.GetColor(i++);
            var measured = plot.Add.ScatterPoints(curve.MeasuredX, curve.MeasuredY);
            measured.LegendText = $"{curve.Name} measured";
            measured.Color = colour;
            var fitted = plot.Add.ScatterLine(curve.FittedX, curve.FittedY);
            fitted.LegendText = $"{curve.Name} fitted";
            fitted.Color = colour;
        }
        plot.ShowLegend(Edge.Right);
        return plot;
    }
}
