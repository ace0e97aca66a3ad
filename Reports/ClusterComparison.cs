using ScalePlanner.Simulator.Plans;
using Spectre.Console;

namespace ScalePlanner.Reports;

/// <summary>
/// With several cluster options, each option's best layout side by side (time to train with its band, cost, dollars per
/// million tokens, MFU, whether it is on the time-versus-dollars Pareto front), also for an option that misses the deadline or
/// budget or where nothing fits, and a one-line verdict.
/// </summary>
public static class ClusterComparison
{
    public static Table Table(PlanResult plan)
    {
        var table = new Table().Title($"best layout of each cluster option (objective {plan.Objective})")
            .AddColumns("option", "time to train", "cost", "$/M tokens", "MFU", "front", "layout");
        foreach (var option in Ordered(plan.Options))
        {
            if ((option.Best ?? option.BestOutsideConstraints) is not { } shown)
            {
                table.AddRow($"{option.Name} {NothingFits}", "—", "—", "—", "—", "—", "");
                continue;
            }
            var r = shown.Result;
            table.AddRow(option.Best is null ? $"{option.Name} {Missed}" : option.Name, BandText.Seconds(r.TimeToTrainSeconds, shown.Band), Units.Dollars(r.CostDollars),
                r.CostDollars is { } d ? $"${d / Tokens(r) * 1e6:F2}" : "—", $"{r.Mfu:P1}",
                option.Best is null ? "—" : option.OnParetoFront ? "yes" : "no", LayoutText.Wrap(LayoutText.Short(r.Layout), LayoutWidth));
        }
        return table;
    }

    private const string Missed = "*", NothingFits = "**";

    /// <summary>The layout column's width: what the other columns leave of 120.</summary>
    private const int LayoutWidth = 25;

    /// <summary>What the marks and the "front" column mean.</summary>
    public static IEnumerable<string> Footnotes(PlanResult plan)
    {
        yield return "front: on the Pareto front of time to train against cost (no other option is both faster and cheaper); "
                     + $"time to train with its accuracy band; $/M tokens: cost per million training tokens";
        if (plan.Options.Any(o => o.Best is null && o.BestOutsideConstraints is not null))
            yield return $"{Missed} misses the deadline or budget: its fastest layout that fits in memory is shown";
        if (plan.Options.Any(o => o.Best is null && o.BestOutsideConstraints is null)) yield return $"{NothingFits} no layout fits in memory";
    }

    /// <summary>One line: the best option by the objective, the fastest and the cheapest when they differ, and the options that lose outright.</summary>
    public static string Verdict(PlanResult plan)
    {
        var met = plan.Options.Where(o => o.Best is not null).OrderBy(o => o.Best!.Score).ToList();
        var missed = plan.Options.Where(o => o.Best is null && o.BestOutsideConstraints is not null).Select(o => o.Name).ToList();
        var none = plan.Options.Where(o => o.Best is null && o.BestOutsideConstraints is null).Select(o => o.Name).ToList();
        var parts = new List<string>();
        if (met.Count > 0)
        {
            var best = met[0].Best!.Result;
            parts.Add($"{met[0].Name} is best by {plan.Objective.Split(',')[0]} ({Units.Seconds(best.TimeToTrainSeconds)}, {Units.Dollars(best.CostDollars)})");
            var fastest = met.MinBy(o => o.Best!.Result.TimeToTrainSeconds)!;
            if (fastest != met[0]) parts.Add($"the fastest, {fastest.Name}, takes {Ratio(fastest.Best!.Result.TimeToTrainSeconds, best.TimeToTrainSeconds)} the time{CostRatio(fastest.Best.Result.CostDollars, best.CostDollars)}");
            var cheapest = met.Where(o => o.Best!.Result.CostDollars is not null).MinBy(o => o.Best!.Result.CostDollars);
            if (cheapest is not null && cheapest != met[0] && cheapest != fastest)
                parts.Add($"the cheapest, {cheapest.Name}, takes {Ratio(cheapest.Best!.Result.TimeToTrainSeconds, best.TimeToTrainSeconds)} the time{CostRatio(cheapest.Best.Result.CostDollars, best.CostDollars)}");
        }
        else parts.Add("no option meets the deadline or budget");
        if (missed.Count > 0) parts.Add($"{string.Join(", ", missed)} miss{(missed.Count == 1 ? "es" : "")} the deadline or budget");
        if (none.Count > 0) parts.Add($"nothing fits on {string.Join(", ", none)}");
        return "verdict: " + string.Join("; ", parts) + ".";
    }

    /// <summary>Options that meet the constraints by objective, then those that miss them by time, then those where nothing fits.</summary>
    private static IEnumerable<ClusterOption> Ordered(IReadOnlyList<ClusterOption> options) =>
        options.OrderBy(o => o.Best is not null ? 0 : o.BestOutsideConstraints is not null ? 1 : 2)
            .ThenBy(o => o.Best?.Score ?? o.BestOutsideConstraints?.Result.TimeToTrainSeconds ?? 0);

    /// <summary>Tokens the run trains on: throughput times the failure-free time to train.</summary>
    private static double Tokens(Simulator.Simulation.SimulationResult r) => r.TokensPerSecond * r.FailureFreeTimeToTrainSeconds;

    private static string Ratio(double value, double reference) => $"{value / reference:0.00}×";

    private static string CostRatio(double? cost, double? reference) => cost is { } c && reference is { } r && r > 0 ? $" for {Ratio(c, r)} the cost" : "";
}
