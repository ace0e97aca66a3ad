using Spectre.Console;

namespace ScalePlanner.Reports;

/// <summary>`scaleplan bench`: the search's and the timeline's speed, medians after warm-up, and the machine's logical processors.</summary>
public static class BenchTable
{
    /// <summary>One search problem: layouts considered and fitting, median and fastest wall seconds.</summary>
    public sealed record SearchRow(string Problem, long Considered, long Fit, double MedianSeconds, double MinSeconds)
    {
        public double LayoutsPerSecond => Considered / MedianSeconds;
    }

    /// <summary>One timeline layout: groups × passes, events, and seconds for the timeline alone (median, fastest), with its event list, and with the cost model before it.</summary>
    public sealed record TimelineRow(string Layout, int Groups, int PassesPerGroup, long Events, double MedianSeconds, double MinSeconds,
        double RecordedMedianSeconds, double WholeMedianSeconds);

    public static void WriteSearch(IReadOnlyList<SearchRow> rows, IAnsiConsole? console = null)
    {
        var table = new Table().AddColumns("problem", "valid layouts", "fit", "median wall s", "min wall s", "M layouts/s (median)");
        foreach (var r in rows)
            table.AddRow(Markup.Escape(r.Problem), $"{r.Considered:N0}", $"{r.Fit:N0}", $"{r.MedianSeconds:F3}", $"{r.MinSeconds:F3}", $"{r.LayoutsPerSecond / 1e6:F1}");
        (console ?? AnsiConsole.Console).Write(table);
    }

    public static void WriteTimeline(IReadOnlyList<TimelineRow> rows, IAnsiConsole? console = null)
    {
        console ??= AnsiConsole.Console;
        var table = new Table().AddColumns("one step, 1,024 A100, m = 64", "groups × passes", "events", "timeline only: median ms", "min ms",
            "with event list: median ms", "cost model + timeline: median ms");
        foreach (var r in rows)
            table.AddRow(Markup.Escape(r.Layout), $"{r.Groups} × {r.PassesPerGroup}", $"{r.Events:N0}", $"{r.MedianSeconds * 1e3:F1}", $"{r.MinSeconds * 1e3:F1}",
                $"{r.RecordedMedianSeconds * 1e3:F1}", $"{r.WholeMedianSeconds * 1e3:F1}");
        console.Write(table);
        console.WriteLine($"{Environment.ProcessorCount} logical processors");
    }
}
