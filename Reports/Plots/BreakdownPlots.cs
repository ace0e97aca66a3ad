using ScottPlot;
using ScalePlanner.Simulator.Simulation;

namespace ScalePlanner.Reports.Plots;

/// <summary>
/// Layouts side by side as stacked horizontal bars, one bar per layout (best at the top) and one series per part: where the
/// step's time goes, and what each device holds in memory against its capacity. Parts that are zero for every layout are left out.
/// </summary>
public static class BreakdownPlots
{
    public sealed record Part<T>(string Name, Func<T, double> Value);

    public static readonly IReadOnlyList<Part<TimeParts>> TimeParts =
    [
        new("compute", t => t.Compute), new("recompute", t => t.Recompute), new("pipeline bubble", t => t.PipelineBubble),
        new("tensor-parallel comm", t => t.TensorParallelComm), new("context-parallel comm", t => t.ContextParallelComm), new("expert-parallel comm", t => t.ExpertParallelComm),
        new("data-parallel comm (exposed)", t => t.DataParallelCommExposed), new("pipeline comm", t => t.PipelineComm),
        new("optimizer step", t => t.OptimizerStep), new("data wait", t => t.DataWait),
    ];

    public static readonly IReadOnlyList<Part<MemoryParts>> MemoryParts =
    [
        new("weights", m => m.Weights), new("gradients", m => m.Gradients), new("optimizer states", m => m.OptimizerStates),
        new("activations", m => m.Activations), new("other", m => m.Other),
    ];

    // The Tableau 10 palette (Vega's tableau10 scheme), as in the Gantt chart.
    private static readonly string[] Palette = ["#4C78A8", "#F58518", "#E45756", "#72B7B2", "#54A24B", "#EECA3B", "#B279A2", "#FF9DA6", "#9D755D", "#BAB0AC"];

    /// <summary>Step time per layout split into its parts (seconds).</summary>
    public static Plot Time(string title, IReadOnlyList<(string Label, SimulationResult Result)> layouts) =>
        Stacked(title, "step time (s)", layouts, TimeParts, r => r.Time, 1);

    /// <summary>Memory per device split into its parts (GB), with each layout's device capacity marked.</summary>
    public static Plot Memory(string title, IReadOnlyList<(string Label, SimulationResult Result)> layouts)
    {
        var plot = Stacked(title, "memory per device (GB)", layouts, MemoryParts, r => r.Memory, 1e9);
        var capacity = plot.Add.ScatterPoints(layouts.Select(l => l.Result.MemoryCapacityBytes / 1e9).ToArray(), layouts.Select((_, i) => (double)-i).ToArray());
        capacity.LegendText = "device capacity";
        capacity.MarkerShape = MarkerShape.VerticalBar;
        capacity.MarkerSize = 28;
        capacity.Color = Colors.Black;
        double widest = layouts.Max(l => Math.Max(l.Result.MemoryCapacityBytes, l.Result.Memory.Total)) / 1e9;
        plot.Axes.SetLimitsX(0, widest * 1.05);
        return plot;
    }

    private static Plot Stacked<T>(string title, string axis, IReadOnlyList<(string Label, SimulationResult Result)> layouts, IReadOnlyList<Part<T>> parts,
        Func<SimulationResult, T> of, double unit)
    {
        var plot = new Plot();
        plot.Title(title);
        plot.XLabel(axis);
        var bottoms = new double[layouts.Count];
        int colour = 0;
        foreach (var part in parts)
        {
            var values = layouts.Select(l => part.Value(of(l.Result)) / unit).ToArray();
            if (values.All(v => v == 0)) continue;
            var bars = values.Select((v, i) => new Bar { Position = -i, ValueBase = bottoms[i], Value = bottoms[i] + v, FillColor = Color.FromHex(Palette[colour % Palette.Length]), LineWidth = 0, Size = 0.7 }).ToList();
            for (int i = 0; i < values.Length; i++) bottoms[i] += values[i];
            var series = plot.Add.Bars(bars);
            series.Horizontal = true;
            series.LegendText = part.Name;
            colour++;
        }
        plot.Axes.Left.SetTicks([.. layouts.Select((_, i) => (double)-i)], [.. layouts.Select(l => l.Label)]);
        plot.ShowLegend(Edge.Bottom);
        return plot;
    }
}
