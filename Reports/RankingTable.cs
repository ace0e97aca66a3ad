using ScalePlanner.Simulator.Plans;
using ScalePlanner.Simulator.Specs;
using Spectre.Console;

namespace ScalePlanner.Reports;

/// <summary>
/// The ranked layouts for the terminal. By default one row per group of near-ties, a rank range such as "1–12" standing for
/// the group, in at most <see cref="Width"/> columns (the layout wraps at commas). Wide: every ranked layout with every column.
/// A row whose layout changes the scenario's training recipe is marked "*".
/// </summary>
public static class RankingTable
{
    /// <summary>The default table's width in characters.</summary>
    public const int Width = 120;

    /// <summary>The narrowest the layout column gets before the table may grow past <see cref="Width"/>.</summary>
    private const int MinLayoutWidth = 24;

    private const string Mark = "*";

    public static Table Compact(PlanResult plan, string title)
    {
        bool several = plan.Groups.Select(g => OptionName(g.First)).Distinct().Count() > 1;
        var rows = plan.Groups.Select(g => Cells(plan, g, several)).ToList();
        var headers = new List<string> { "#" };
        if (several) headers.Add("option");
        headers.AddRange(["step", "MFU", "memory", "time to train", "cost"]);
        // Every column but the layout takes its widest cell; the layout gets what is left of the width (3 characters of border and padding per column).
        int others = headers.Select((h, i) => rows.Select(r => r[i].Length).Append(h.Length).Max()).Sum();
        int layoutWidth = Math.Max(MinLayoutWidth, Width - 1 - 3 * (headers.Count + 1) - others);
        int leading = several ? 2 : 1;
        var table = new Table().Title(title);
        foreach (var h in headers.Take(leading)) table.AddColumn(h);
        table.AddColumn("layout (defaults omitted)");
        foreach (var h in headers.Skip(leading)) table.AddColumn(new TableColumn(h).RightAligned());
        foreach (var (row, group) in rows.Zip(plan.Groups))
        {
            string layout = LayoutText.Wrap(LayoutText.Short(group.First.Result.Layout), layoutWidth);
            table.AddRow([.. row.Take(leading), layout, .. row.Skip(leading)]);
        }
        return table;
    }

    /// <summary>A group's cells but the layout: rank range (marked when it changes the recipe), option when several, step, MFU, memory, time, cost.</summary>
    private static List<string> Cells(PlanResult plan, TieGroup g, bool several)
    {
        var r = g.First.Result;
        var cells = new List<string> { RankText(g) + (plan.Recipe.KeptBy(r.Layout) ? "" : $" {Mark}") };
        if (several) cells.Add(OptionName(g.First));
        cells.AddRange([Units.Seconds(r.StepTimeSeconds), $"{r.Mfu:P1}", Units.Bytes(r.MemoryPerGpuBytes), Units.Seconds(r.TimeToTrainSeconds), Units.Dollars(r.CostDollars)]);
        return cells;
    }

    public static Table Wide(PlanResult plan, IReadOnlyList<RankedLayout> rows, string title)
    {
        var table = new Table().Title(title).AddColumns("#", "devices", "layout (defaults omitted)", "step", "tokens/s", "MFU", "memory", "checkpoint", "goodput", "time to train", "cost", "near-tie of", "recipe");
        foreach (var ranked in rows)
        {
            var r = ranked.Result;
            var changes = plan.Recipe.Changes(r.Layout);
            var group = plan.GroupOf(ranked.Rank);
            table.AddRow(
                ranked.Rank.ToString(), OptionName(ranked), LayoutText.Short(r.Layout), Units.Seconds(r.StepTimeSeconds), $"{r.TokensPerSecond:N0}",
                $"{r.Mfu:P1}", Units.Bytes(r.MemoryPerGpuBytes), Units.Seconds(r.CheckpointIntervalSeconds), $"{r.Goodput:P1}",
                Units.Seconds(r.TimeToTrainSeconds), Units.Dollars(r.CostDollars),
                group is null || group.FirstRank == ranked.Rank ? "" : $"#{group.FirstRank}",
                changes.Count == 0 ? "kept" : $"{Mark} {string.Join(' ', changes)}");
        }
        return table;
    }

    /// <summary>What the marks and rank ranges of <see cref="Compact"/> mean, one line each (none when nothing is marked or grouped).</summary>
    public static IEnumerable<string> Footnotes(PlanResult plan, bool wide)
    {
        var shown = wide ? plan.Top : plan.Groups.Select(g => g.First);
        var changed = shown.Select(r => (r.Rank, Changes: plan.Recipe.Changes(r.Result.Layout))).Where(c => c.Changes.Count > 0).ToList();
        if (changed.Count > 0)
            yield return $"{Mark} {TrainingRecipe.Warning} (the scenario's recipe: {plan.Recipe}): "
                         + string.Join("; ", changed.Select(c => $"#{c.Rank} {string.Join(", ", c.Changes)}"));
        if (!wide && plan.Groups.Any(g => g.Count > 1))
        {
            var example = plan.Groups.First(g => g.Count > 1);
            yield return $"a rank range such as {RankText(example)} is a group of near-ties, each within {example.Percent:0.##} % of the first's objective; "
                         + "the row shows the first" + (plan.Groups.Any(g => g.MayContinue) ? ", and \"+\" means the search kept no more to compare" : "") + " (--wide lists every rank)";
        }
    }

    public static string OptionName(RankedLayout r) =>
        $"{r.Cluster.Devices} {r.Cluster.Accelerator.Key}{(r.Result.Framework == Framework.Megatron ? "" : $" {r.Result.Framework.Key()}")}";

    private static string RankText(TieGroup g) => g.Count == 1 ? $"{g.FirstRank}" : $"{g.FirstRank}–{g.LastRank}{(g.MayContinue ? "+" : "")}";
}
