using ScalePlanner.Simulator.Plans;

namespace ScalePlanner.Reports;

/// <summary>Time to train against dollars: every cluster option's fastest layout, the Pareto front joined by a line.</summary>
public static class ParetoPlot
{
    public static ScottPlot.Plot Build(PlanResult plan, IReadOnlyList<RankedLayout> options)
    {
        var plot = new ScottPlot.Plot();
        plot.Title($"{plan.Scenario}: time to train vs cost");
        plot.XLabel("time to train (days)");
        plot.YLabel("cost (dollars)");
        foreach (var group in options.GroupBy(o => o.Cluster.Accelerator.Key))
        {
            var points = group.Where(o => o.Result.CostDollars is not null).ToList();
            var scatter = plot.Add.ScatterPoints(points.Select(o => o.Result.TimeToTrainSeconds / 86400).ToArray(), points.Select(o => o.Result.CostDollars!.Value).ToArray());
            scatter.LegendText = group.Key;
            scatter.MarkerSize = 9;
        }
        var front = plan.Pareto.Where(p => p.Result.CostDollars is not null).ToList();
        var line = plot.Add.ScatterLine(front.Select(o => o.Result.TimeToTrainSeconds / 86400).ToArray(), front.Select(o => o.Result.CostDollars!.Value).ToArray());
        line.LegendText = "Pareto front";
        plot.ShowLegend(ScottPlot.Edge.Right); // beside the plot, where it hides no point
        return plot;
    }
}
