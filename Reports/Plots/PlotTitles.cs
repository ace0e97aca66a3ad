using ScottPlot;

namespace ScalePlanner.Reports.Plots;

/// <summary>A new plot with its title and axis labels: how every plot of the reports starts.</summary>
internal static class PlotTitles
{
    public static Plot Titled(string title, string x, string y)
    {
        var plot = new Plot();
        plot.Title(title);
        plot.XLabel(x);
        plot.YLabel(y);
        return plot;
    }
}
