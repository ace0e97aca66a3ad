using ScottPlot;
using ScalePlanner.Simulator.Timeline;

namespace ScalePlanner.Reports;

/// <summary>
/// The simulated step as a Gantt chart: one row per device group (the tp·cp devices of one replica at one stage, which run in
/// lockstep), its compute stream on top and its network link in a thin lane below, one colour per kind of work. Replicas
/// without a slowdown all run the same timeline, so the rows are the replicas whose events were recorded: one of those and
/// every slowed one.
/// </summary>
public static class GanttChart
{
    /// <summary>Most rows drawn; beyond it the chart would be unreadable at any size.</summary>
    public const int MaxRows = 128;

    // Colours of the Tableau 10 palette (Vega's tableau10 scheme).
    private static readonly Dictionary<WorkKind, (string Label, Color Color)> Styles = new()
    {
        [WorkKind.Forward] = ("forward", Color.FromHex("#4C78A8")),
        [WorkKind.Backward] = ("backward", Color.FromHex("#54A24B")),
        [WorkKind.Recompute] = ("recompute", Color.FromHex("#F58518")),
        [WorkKind.TensorComm] = ("tensor-parallel comm", Color.FromHex("#B279A2")),
        [WorkKind.ContextComm] = ("context-parallel comm", Color.FromHex("#FF9DA6")),
        [WorkKind.OptimizerStep] = ("optimizer step", Color.FromHex("#E45756")),
        [WorkKind.PipelineSend] = ("pipeline send (link)", Color.FromHex("#9D755D")),
        [WorkKind.GradientReduce] = ("gradient reduction (link)", Color.FromHex("#72B7B2")),
        [WorkKind.WeightGather] = ("weight gather (link)", Color.FromHex("#EECA3B")),
        [WorkKind.GradientScatter] = ("gradient reduce-scatter (link)", Color.FromHex("#BAB0AC")),
    };

    /// <summary>The groups drawn, top to bottom: every stage of each recorded replica, at most <see cref="MaxRows"/>.</summary>
    public static IReadOnlyList<GroupTimeline> Rows(TimelineResult timeline) =>
        [.. timeline.Groups.Where(g => timeline.RecordedReplicas.Contains(g.Replica)).OrderBy(g => g.Replica).ThenBy(g => g.Stage).Take(MaxRows)];

    public static Plot Build(TimelineResult timeline, string title)
    {
        var rows = Rows(timeline);
        var rowOf = rows.Select((g, i) => (g.Group, i)).ToDictionary(x => x.Group, x => x.i);
        var bars = new List<Bar>(timeline.Events.Count);
        foreach (var e in timeline.Events)
        {
            if (!rowOf.TryGetValue(e.Group, out int row)) continue;
            // The compute stream fills the upper part of the row, the link a thin lane below it.
            bars.Add(new Bar
            {
                Position = -row + (e.OnLink ? -0.32 : 0.12), Size = e.OnLink ? 0.22 : 0.6,
                ValueBase = e.Start, Value = e.End, FillColor = Styles[e.Kind].Color, LineWidth = 0,
            });
        }
        var plot = new Plot();
        var series = plot.Add.Bars(bars);
        series.Horizontal = true;
        plot.Title(title);
        plot.XLabel("time in the step (s)");
        plot.Axes.Left.SetTicks([.. rows.Select((_, i) => (double)-i)], [.. rows.Select(Label)]);
        plot.Axes.SetLimitsY(-rows.Count + 0.4, 0.6);
        plot.Axes.SetLimitsX(0, timeline.StepTimeSeconds);
        foreach (var kind in timeline.Events.Select(e => e.Kind).Distinct().Order())
            plot.Legend.ManualItems.Add(new LegendItem { LabelText = Styles[kind].Label, FillColor = Styles[kind].Color });
        plot.ShowLegend(Edge.Right);
        return plot;
    }

    /// <summary>Pixel size that gives every row room: 1,400 wide, 22 pixels per row plus margins and the legend's height.</summary>
    public static (int Width, int Height) Size(TimelineResult timeline) => (1400, 140 + 22 * Math.Max(10, Rows(timeline).Count));

    private static string Label(GroupTimeline g) =>
        $"stage {g.Stage} · replica {g.Replica} · devices {g.FirstDevice}" + (g.Devices > 1 ? $"–{g.FirstDevice + g.Devices - 1}" : "") + (g.Slowdown > 1 ? $" ×{g.Slowdown:0.##}" : "");
}
